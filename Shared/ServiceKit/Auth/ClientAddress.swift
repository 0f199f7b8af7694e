public import HTTPTypes

/// Who is really asking, behind a reverse proxy or a load balancer.
///
/// `Forwarded` and `X-Forwarded-For` are believed only when the connection comes from a proxy
/// the operator named (`KEFU_TRUSTED_PROXIES`): anyone else could write them. The client is then
/// the nearest address in the chain that is not itself a trusted proxy.
public struct ClientAddress: Sendable {
    public let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    /// From a comma-separated list of addresses, as the setting holds it.
    public init(list: String?) {
        self.init(trustedProxies: Set((list ?? "").split(separator: ",").map { Self.normalised(String($0)) }.filter { !$0.isEmpty }))
    }

    /// The client's address for a request that came from `peer`.
    public func resolve(peer: String?, headers: HTTPFields) -> String {
        guard let peer, trustedProxies.contains(Self.normalised(peer)) else { return peer ?? "unknown" }
        var chain: [String] = []
        if let forwarded = headers[HTTPField.Name("Forwarded")!] {
            // RFC 7239: `for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"`
            for element in forwarded.split(separator: ",") {
                for pair in element.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].trimmingWhitespace().lowercased() == "for" else { continue }
                    chain.append(Self.normalised(String(parts[1])))
                }
            }
        } else if let forwardedFor = headers[HTTPField.Name("X-Forwarded-For")!] {
            chain = forwardedFor.split(separator: ",").map { Self.normalised(String($0)) }
        }
        // The right-most entries were added by our own proxies; the first one that is not is the client.
        return chain.reversed().first { !$0.isEmpty && !trustedProxies.contains($0) } ?? peer
    }

    /// An address without quotes, brackets or port, so that one host always reads the same.
    static func normalised(_ text: String) -> String {
        var value = text.trimmingWhitespace()
        if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        if value.hasPrefix("[") {
            // [2001:db8::1]:4711
            return value.dropFirst().split(separator: "]").first.map(String.init) ?? value
        }
        if value.filter({ $0 == ":" }).count == 1 { return String(value.split(separator: ":")[0]) }  // 192.0.2.60:4711
        return value
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
