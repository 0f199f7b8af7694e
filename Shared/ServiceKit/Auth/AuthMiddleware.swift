import Foundation
public import Hummingbird
import NIOCore

/// Checks the bearer token on every request but the health probes, applies the token's rate
/// limit, and keeps `/metrics` to loopback callers unless the operator opened it.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = KefuRequestContext

    let signer: TokenSigner
    let limiter: RateLimiter
    let options: AuthOptions

    public init(signer: TokenSigner, limiter: RateLimiter = RateLimiter(), options: AuthOptions) {
        self.signer = signer
        self.limiter = limiter
        self.options = options
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health/live" || path == "/health/ready" || options.publicPaths.contains(path)
            || options.publicPathPrefixes.contains(where: path.hasPrefix) {
            return try await next(request, context)
        }
        if path == "/metrics", options.metricsPublic || Self.isLoopback(context.remoteAddress) {
            return try await next(request, context)
        }
        var context = context
        let token = try authenticate(request)
        context.token = token
        if path == "/metrics" { try context.require(.admin) }

        let rate = token.rateLimit ?? options.rateLimit
        if let wait = limiter.acquire(token.id, rate: rate, burst: max(1, rate * options.burstSeconds)) {
            let seconds = max(1, Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up)))
            throw Problem(.tooManyRequests, title: "Too many requests",
                          detail: "this token may make \(rate.formatted()) requests a second",
                          headers: [.retryAfter: String(seconds)])
        }
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) throws -> AccessToken {
        guard let header = request.headers[.authorization] else { throw Problem(AuthError(.missing)) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw Problem(AuthError(.missing)) }
        do {
            return try signer.verify(parts[1].trimmingCharacters(in: .whitespaces))
        } catch {
            throw Problem(error)
        }
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return false }
        if case .unixDomainSocket = address { return true }
        // The numeric form: `host` holds whatever name the address was made from, often none.
        guard let ip = address.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

/// `KEFU_RATE_LIMIT`, `KEFU_RATE_BURST_SECONDS` and `KEFU_METRICS_PUBLIC`.
public struct AuthOptions: Sendable {
    /// Requests a second per token, unless the token carries its own limit.
    public var rateLimit: Double = 200
    /// How many seconds of the rate a token may spend at once.
    public var burstSeconds: Double = 2
    /// Serve `/metrics` to anyone, not only loopback callers and admin tokens.
    public var metricsPublic = false
    /// Path prefixes served without a token, such as survey's pages for customers; those
    /// routes guard themselves.
    public var publicPathPrefixes: [String] = []
    /// Exact paths served without a token.
    public var publicPaths: Set<String> = []

    public init() {}
}
