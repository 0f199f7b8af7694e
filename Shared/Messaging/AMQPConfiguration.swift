import Foundation

/// Where the broker is and who we are, parsed from `amqp://user:password@host:port/vhost`.
public struct AMQPConfiguration: Sendable {
    public struct Options: Sendable {
        /// Seconds; the connection thread calls into the library far more often than this.
        public var heartbeatSeconds: Int = 30
        public var connectTimeoutSeconds: Int = 5
        /// Longest wait for publisher confirms before a batch is reported failed.
        public var confirmTimeoutSeconds: Int = 10
        /// Backoff between reconnect attempts, doubling up to the maximum.
        public var reconnectInitialDelay: Duration = .milliseconds(100)
        public var reconnectMaximumDelay: Duration = .seconds(5)
        public init() {}
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var virtualHost: String
    public var options: Options

    public init(host: String = "127.0.0.1", port: Int = 5672, user: String = "guest", password: String = "guest",
                virtualHost: String = "/", options: Options = .init()) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
        self.options = options
    }

    /// Parses an AMQP URI. The vhost is the percent-decoded path; an empty path means "/".
    public init(url: String, options: Options = .init()) throws {
        guard let components = URLComponents(string: url), components.scheme == "amqp",
              let host = components.host, !host.isEmpty else {
            throw AMQPError(code: .connectionFailed, operation: "parse url", detail: "expected amqp://user:password@host:port/vhost")
        }
        let path = components.percentEncodedPath
        let vhost: String
        if path.isEmpty || path == "/" {
            vhost = "/"
        } else {
            vhost = String(path.dropFirst()).removingPercentEncoding ?? String(path.dropFirst())
        }
        self.init(host: host, port: components.port ?? 5672,
                  user: components.user?.removingPercentEncoding ?? "guest",
                  password: components.password?.removingPercentEncoding ?? "guest",
                  virtualHost: vhost, options: options)
    }
}
