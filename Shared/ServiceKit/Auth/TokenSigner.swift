import Crypto
public import Foundation
import KefuContracts

/// Issues and checks bearer tokens with the operator's key (`KEFU_AUTH_KEY`): compact JWTs,
/// HS256, through swift-crypto's HMAC.
public struct TokenSigner: Sendable {
    private let secret: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// At least 32 bytes, as HS256 wants a key as long as its output.
    public static let minimumKeyBytes = 32

    public init?(secret: String) {
        let bytes = Data(base64Encoded: secret).flatMap { $0.count >= Self.minimumKeyBytes ? $0 : nil }
            ?? Data(secret.utf8)
        guard bytes.count >= Self.minimumKeyBytes else { return nil }
        self.secret = Array(bytes)
    }

    private static let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    public func sign(_ token: AccessToken) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        let signingInput = Self.header + "." + Base64URL.encode(Array(try encoder.encode(token)))
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Base64URL.encode(Array(signature))
    }

    public func verify(_ compact: some StringProtocol, now: Date = Date()) throws(AuthError) -> AccessToken {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let claims = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else { throw AuthError(.malformed) }
        guard let header = try? JSONDecoder().decode([String: String].self, from: Data(headerBytes)) else {
            throw AuthError(.malformed)
        }
        guard header["alg"] == "HS256" else { throw AuthError(.unsupportedAlgorithm) }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            throw AuthError(.badSignature)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let token = try? decoder.decode(AccessToken.self, from: Data(claims)) else { throw AuthError(.malformed) }
        guard token.expiresAt > now else { throw AuthError(.expired) }
        return token
    }
}

/// Base64 with the URL alphabet and no padding (RFC 7515 §2).
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
