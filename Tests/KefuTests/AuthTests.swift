import Foundation
import NIOCore
@testable import KefuServiceKit
import Testing

@Suite("Bearer tokens")
struct TokenTests {
    let signer = TokenSigner(secret: "a-signing-secret-of-at-least-32-characters")!

    @Test("a signed token verifies and keeps its claims")
    func roundTrip() throws {
        let token = AccessToken(subject: "pbx-gateway", role: .integrator, lifetime: .seconds(600), rateLimit: 5)
        let verified = try signer.verify(try signer.sign(token))
        #expect(verified == token)
        #expect(verified.scopes == [.ticketsWrite, .ticketsRead])
        #expect(verified.isLimitedToOwnTickets)
        #expect(!verified.allows(.admin))
    }

    @Test("tampered, foreign, expired and unsigned tokens are refused with the reason")
    func refusals() throws {
        let compact = try signer.sign(AccessToken(subject: "a", role: .agent, lifetime: .seconds(600)))
        var parts = compact.split(separator: ".").map(String.init)
        let forged = try signer.sign(AccessToken(subject: "a", role: .admin, lifetime: .seconds(600)))
        parts[1] = String(forged.split(separator: ".")[1])
        #expect(throws: AuthError(.badSignature)) { try signer.verify(parts.joined(separator: ".")) }

        let other = TokenSigner(secret: String(repeating: "x", count: 32))!
        #expect(throws: AuthError(.badSignature)) { try other.verify(compact) }
        #expect(throws: AuthError(.expired)) { try signer.verify(compact, now: Date().addingTimeInterval(601)) }
        #expect(throws: AuthError(.malformed)) { try signer.verify("a.b") }

        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        #expect(throws: AuthError(.unsupportedAlgorithm)) { try signer.verify(none + "." + parts[1] + ".") }
    }

    @Test("keys shorter than 32 bytes are refused")
    func shortKey() {
        #expect(TokenSigner(secret: "short") == nil)
        #expect(TokenSigner(secret: Data(count: 32).base64EncodedString()) != nil)
    }

    @Test("the operator command parses roles, scopes, lifetimes and rates, and names mistakes")
    func command() throws {
        let now = Date(timeIntervalSince1970: 1_795_420_800)
        let token = try TokenCommand.parse(["--role", "agent", "--subject", "li-na", "--expires-in", "12h", "--rate", "5"], now: now)
        #expect(token.role == .agent)
        #expect(token.expiresAt == now.addingTimeInterval(12 * 3600))
        #expect(token.rateLimit == 5)
        let scoped = try TokenCommand.parse(["--role", "integrator", "--subject", "x", "--scopes", "tickets:read"])
        #expect(scoped.scopes == [.ticketsRead])
        #expect(throws: TokenCommand.UsageError.self) { try TokenCommand.parse(["--role", "boss", "--subject", "x"]) }
        #expect(throws: TokenCommand.UsageError.self) { try TokenCommand.parse(["--role", "admin"]) }
        #expect(throws: TokenCommand.UsageError.self) { try TokenCommand.parse(["--role", "admin", "--subject", "x", "--scopes", "everything"]) }
        #expect(throws: TokenCommand.UsageError.self) { try TokenCommand.parse(["--role", "admin", "--subject", "x", "--expires-in", "soon"]) }
    }

    @Test("the rate limiter allows the burst, then one request per interval")
    func limiter() {
        let limiter = RateLimiter()
        #expect(limiter.acquire("t", rate: 1, burst: 2) == nil)
        #expect(limiter.acquire("t", rate: 1, burst: 2) == nil)
        let wait = limiter.acquire("t", rate: 1, burst: 2)
        #expect(wait != nil && wait! <= .seconds(1) && wait! > .zero)
        #expect(limiter.acquire("other", rate: 1, burst: 2) == nil)
    }

    @Test("metrics are served without a token to loopback callers only")
    func loopback() throws {
        #expect(AuthMiddleware.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 1)))
        #expect(AuthMiddleware.isLoopback(try SocketAddress(ipAddress: "::1", port: 1)))
        #expect(!AuthMiddleware.isLoopback(try SocketAddress(ipAddress: "10.1.2.3", port: 1)))
        #expect(!AuthMiddleware.isLoopback(try SocketAddress(ipAddress: "2001:db8::1", port: 1)))
        #expect(!AuthMiddleware.isLoopback(nil))
    }
}
