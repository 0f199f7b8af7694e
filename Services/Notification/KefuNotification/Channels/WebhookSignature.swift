import Crypto
import Foundation

/// `Kefu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. A receiver
/// recomputes the HMAC with the subscription's secret and rejects an old `t` to stop replays.
enum WebhookSignature {
    static let header = "Kefu-Signature"

    static func sign(_ body: [UInt8], secret: String, at time: Date) -> String {
        let timestamp = Int(time.timeIntervalSince1970)
        return "t=\(timestamp),v1=\(mac(body, secret: secret, timestamp: timestamp))"
    }

    static func mac(_ body: [UInt8], secret: String, timestamp: Int) -> String {
        let signed = Array("\(timestamp).".utf8) + body
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
