import Foundation
import KefuServiceKit
import Synchronization

/// One bearer token per person at a time, used until a minute before it expires. The services
/// count their rate limits per token, so a fresh token for every call would make a person's
/// limit meaningless and fill the services' limiter tables with tokens used once.
final class BearerTokens: Sendable {
    private let signer: TokenSigner
    private let tokens = Mutex<[String: (token: String, renewAt: ContinuousClock.Instant)]>([:])
    static let lifetime: Duration = .seconds(300)

    init(signer: TokenSigner) {
        self.signer = signer
    }

    func token(for person: SignedIn) throws -> String {
        let key = "\(person.account.role.rawValue) \(person.account.subject)"
        let now = ContinuousClock.now
        if let held = tokens.withLock({ $0[key] }), held.renewAt > now { return held.token }
        let token = try person.bearer(signer: signer, lifetime: Self.lifetime)
        tokens.withLock { tokens in
            // A person's role or agent id can change; old keys then go quiet and are dropped here.
            tokens = tokens.filter { $0.value.renewAt > now }
            tokens[key] = (token, now + Self.lifetime - .seconds(60))
        }
        return token
    }
}
