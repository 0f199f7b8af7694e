import Foundation

/// Where the broker is and who we are, parsed from `amqp://user:password@host:port/vhost`.
///
/// A cluster is several endpoints: `amqp://user:password@host1:5672,host2:5673/vhost`, or the
/// same list as whole URLs separated by commas. A connection tries them in turn, so a client
/// fails over to the next node when the one it used goes away (docs/architecture.md).
public struct AMQPConfiguration: Sendable {
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int = 5672) {
            self.host = host
            self.port = port
        }
        public var description: String { "\(host):\(port)" }
    }

    public struct Options: Sendable {
        /// The connection thread calls into the library far more often than this.
        public var heartbeat: Duration = .seconds(30)
        public var connectTimeout: Duration = .seconds(5)
        /// Longest wait for the answer to a synchronous method (declare, consume, close): a
        /// paused or overloaded node must not hold the connection's thread for good.
        public var rpcTimeout: Duration = .seconds(10)
        /// Longest wait for publisher confirms before a batch is reported failed. While the
        /// broker has said it is blocked (a memory or disk alarm) the wait does not count.
        public var confirmTimeout: Duration = .seconds(10)
        /// Backoff between reconnect attempts, doubling up to the maximum.
        public var reconnectInitialDelay: Duration = .milliseconds(100)
        public var reconnectMaximumDelay: Duration = .seconds(5)
        /// Shown in the broker's management UI as the connection's name.
        public var connectionName: String?
        public init() {}
    }

    public var endpoints: [Endpoint]
    public var user: String
    public var password: String
    public var virtualHost: String
    public var options: Options

    public init(endpoints: [Endpoint] = [Endpoint(host: "127.0.0.1")], user: String = "guest", password: String = "guest",
                virtualHost: String = "/", options: Options = .init()) {
        self.endpoints = endpoints.isEmpty ? [Endpoint(host: "127.0.0.1")] : endpoints
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
        self.options = options
    }

    /// Parses an AMQP URI, or a comma-separated list of them that agree on user, password and
    /// vhost. The vhost is the percent-decoded path; an empty path means "/".
    public init(url: String, options: Options = .init()) throws {
        let parts = url.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first else { throw Self.malformed }
        let head = try Self.parse(first)
        var endpoints = [head.endpoint]
        for part in parts.dropFirst() {
            if part.hasPrefix("amqp://") {
                let other = try Self.parse(part)
                guard other.user == head.user, other.password == head.password, other.vhost == head.vhost else {
                    throw AMQPError(code: .connectionFailed, operation: "parse url",
                                    detail: "every URL in the list must name the same user, password and vhost")
                }
                endpoints.append(other.endpoint)
            } else {
                // The short form: later hosts without scheme or credentials, the vhost after the last.
                let hostPort = part.split(separator: "/", maxSplits: 1).first.map(String.init) ?? part
                endpoints.append(try Self.endpoint(hostPort))
            }
        }
        var vhost = head.vhost
        if let last = parts.last, parts.count > 1, !last.hasPrefix("amqp://"), let slash = last.firstIndex(of: "/") {
            vhost = Self.vhost(fromPath: String(last[slash...]))
        }
        self.init(endpoints: endpoints, user: head.user, password: head.password, virtualHost: vhost, options: options)
    }

    private static let malformed = AMQPError(code: .connectionFailed, operation: "parse url",
                                             detail: "expected amqp://user:password@host:port/vhost")

    private static func parse(_ text: String) throws -> (endpoint: Endpoint, user: String, password: String, vhost: String) {
        // A short-form list puts the vhost after the last host only: "amqp://u:p@h1:1," leaves no path.
        guard let components = URLComponents(string: text), components.scheme == "amqp",
              let host = components.host, !host.isEmpty else { throw malformed }
        return (Endpoint(host: host, port: components.port ?? 5672),
                components.user?.removingPercentEncoding ?? "guest",
                components.password?.removingPercentEncoding ?? "guest",
                vhost(fromPath: components.percentEncodedPath))
    }

    private static func vhost(fromPath path: String) -> String {
        if path.isEmpty || path == "/" { return "/" }
        return String(path.dropFirst()).removingPercentEncoding ?? String(path.dropFirst())
    }

    private static func endpoint(_ text: String) throws -> Endpoint {
        let pieces = text.split(separator: ":")
        guard let host = pieces.first, !host.isEmpty, pieces.count <= 2 else { throw malformed }
        guard pieces.count == 2 else { return Endpoint(host: String(host)) }
        guard let port = Int(pieces[1]), (1...65535).contains(port) else { throw malformed }
        return Endpoint(host: String(host), port: port)
    }
}
