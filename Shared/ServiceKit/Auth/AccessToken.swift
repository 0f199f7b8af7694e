public import Foundation

/// The claims of a Kefu bearer token: a JWT (RFC 7519) signed with HMAC-SHA256.
public struct AccessToken: Codable, Sendable, Hashable {
    /// The integrator, agent or admin the token was issued to (`sub`).
    public var subject: String
    public var role: Role
    public var scopes: [Scope]
    public var issuedAt: Date
    public var expiresAt: Date
    /// Unique per token (`jti`): the key rate limits are counted under.
    public var id: String
    /// Requests per second this token may make, when the operator set one at issue.
    public var rateLimit: Double?

    enum CodingKeys: String, CodingKey {
        case role, scopes
        case subject = "sub"
        case issuedAt = "iat"
        case expiresAt = "exp"
        case id = "jti"
        case rateLimit = "rate"
    }

    public init(subject: String, role: Role, scopes: [Scope]? = nil, issuedAt: Date = Date(), lifetime: Duration,
                id: String = UUID().uuidString.lowercased(), rateLimit: Double? = nil) {
        self.subject = subject
        self.role = role
        self.scopes = scopes ?? role.defaultScopes
        // JWT times are whole seconds.
        self.issuedAt = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
        self.expiresAt = self.issuedAt.addingTimeInterval(Double(lifetime.components.seconds))
        self.id = id
        self.rateLimit = rateLimit
    }

    public func allows(_ scope: Scope) -> Bool {
        scopes.contains(.admin) || scopes.contains(scope) || (scope == .ticketsSubmit && scopes.contains(.ticketsWrite))
    }

    /// True for integrators: they see only what they submitted.
    public var isLimitedToOwnTickets: Bool { role == .integrator && !scopes.contains(.admin) }
}
