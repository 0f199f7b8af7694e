import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Webhook targets are the subscriber's servers on the internet. A URL that resolves to
/// loopback, a private network, link-local or the like is refused, so that a subscription
/// cannot make Kefu probe its own network, unless the operator allows it
/// (`KEFU_WEBHOOK_ALLOW_PRIVATE`).
enum WebhookAddressPolicy {
    /// Nil when `url` may be called, else why not. The name is resolved on a dispatch thread:
    /// getaddrinfo blocks, and must not hold up the cooperative pool.
    static func problem(with url: String, allowPrivate: Bool) async -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            return "must be an http or https URL"
        }
        if parsed.user != nil || parsed.password != nil { return "must not carry a user name or password" }
        guard !allowPrivate else { return nil }
        let addresses = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: resolve(host)) }
        }
        if addresses.isEmpty { return "the host does not resolve" }
        if let inside = addresses.first(where: isPrivate) {
            return "resolves to \(inside), a loopback or private address"
        }
        return nil
    }

    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let info = entry?.pointee {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.ai_addr, info.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            entry = info.ai_next
        }
        return addresses
    }

    static func isPrivate(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPrivateV4(v4) }
        let lower = address.lowercased().split(separator: "%").first.map(String.init) ?? address
        if lower.hasPrefix("::ffff:"), let v4 = ipv4(String(lower.dropFirst(7))) { return isPrivateV4(v4) }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, lower, &bytes) == 1 else { return true }
        if bytes.allSatisfy({ $0 == 0 }) { return true }                      // ::
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }  // ::1
        if bytes[0] & 0xfe == 0xfc { return true }                            // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }        // fe80::/10 link-local
        if bytes[0] == 0xff { return true }                                   // multicast
        return false
    }

    private static func ipv4(_ address: String) -> [UInt8]? {
        let parts = address.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    private static func isPrivateV4(_ b: [UInt8]) -> Bool {
        b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
            || (b[0] == 100 && b[1] & 0xc0 == 64)      // 100.64.0.0/10 carrier-grade NAT
            || (b[0] == 169 && b[1] == 254)           // link-local, cloud metadata
            || (b[0] == 172 && b[1] & 0xf0 == 16)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
    }
}
