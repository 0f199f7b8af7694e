public import Hummingbird
public import NIOCore

/// The request context of every Kefu HTTP API: who is calling, and from where.
public struct KefuRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The verified bearer token; set by `AuthMiddleware` on every route but the open ones.
    public var token: AccessToken?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        token = nil
    }

    /// The caller's token, if it allows `scope`: 401 without a token, 403 without the scope.
    @discardableResult
    public func require(_ scope: Scope) throws -> AccessToken {
        guard let token else { throw Problem(AuthError(.missing)) }
        guard token.allows(scope) else { throw Problem(AuthError(.forbidden, scope: scope)) }
        return token
    }

    /// For staff views of tickets that do not know who submitted them: integrators' tokens are
    /// refused, as they may read only their own tickets, through intake.
    @discardableResult
    public func requireStaff(_ scope: Scope) throws -> AccessToken {
        let token = try require(scope)
        guard !token.isLimitedToOwnTickets else { throw Problem(AuthError(.forbidden, scope: .agentsWork)) }
        return token
    }

    /// The integrator whose tickets alone this caller may read, or nil when it may read all.
    public func ownTicketsOnly() throws -> String? {
        let token = try require(.ticketsRead)
        return token.isLimitedToOwnTickets ? token.subject : nil
    }
}

extension Problem {
    public init(_ error: AuthError) {
        if error.code == .forbidden {
            self.init(.forbidden, title: "Forbidden", detail: error.description)
        } else {
            self.init(.unauthorized, title: "Unauthorized", detail: error.description,
                      headers: [.wwwAuthenticate: #"Bearer realm="kefu""#])
        }
    }
}
