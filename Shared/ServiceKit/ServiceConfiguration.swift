public import Foundation
public import KefuMessaging
public import KefuStorage

/// Everything a Kefu service reads from its environment. Every variable has a default that fits
/// the local stack started by `deploy/kefu up`; `docs/configuration.md` lists them all.
public struct ServiceConfiguration: Sendable {
    /// The service's name: its schema, its queue prefix and its event `source`.
    public var service: String
    /// `KEFU_AMQP_URL`
    public var amqpURL: String
    /// `KEFU_DATABASE_URL`
    public var databaseURL: String
    /// `KEFU_HTTP_HOST`, default 127.0.0.1
    public var httpHost: String
    /// `KEFU_HTTP_PORT`
    public var httpPort: Int
    /// `KEFU_DB_POOL_SIZE`, default 4
    public var databasePoolSize: Int
    /// `KEFU_PREFETCH`, default 200: unacknowledged deliveries per consumer.
    public var prefetch: Int
    /// `KEFU_BATCH_SIZE`, default 100: deliveries handled in one transaction.
    public var batchSize: Int
    /// `KEFU_LOG_LEVEL`, default info.
    public var logLevel: String
    /// `KEFU_AUTH_KEY`: the secret bearer tokens are signed with, shared by every service.
    /// Required; base64 of at least 32 bytes, or at least 32 characters.
    public var authKey: String?
    /// `KEFU_RATE_LIMIT` (200 requests/s per token), `KEFU_RATE_BURST_SECONDS` (2),
    /// `KEFU_METRICS_PUBLIC` (false).
    public var auth = AuthOptions()

    public init(service: String, amqpURL: String, databaseURL: String, httpHost: String = "127.0.0.1", httpPort: Int,
                databasePoolSize: Int = 4, prefetch: Int = 200, batchSize: Int = 100, logLevel: String = "info") {
        self.service = service
        self.amqpURL = amqpURL
        self.databaseURL = databaseURL
        self.httpHost = httpHost
        self.httpPort = httpPort
        self.databasePoolSize = databasePoolSize
        self.prefetch = prefetch
        self.batchSize = batchSize
        self.logLevel = logLevel
    }

    /// Reads the configuration, falling back to the local stack's defaults for `service`.
    public static func fromEnvironment(service: String, defaultHTTPPort: Int,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        func value(_ key: String, _ fallback: String) -> String {
            guard let text = environment[key], !text.isEmpty else { return fallback }
            return text
        }
        func number(_ key: String, _ fallback: Int) -> Int { Int(value(key, "")) ?? fallback }
        var configuration = ServiceConfiguration(
            service: service,
            amqpURL: value("KEFU_AMQP_URL", "amqp://kefu-\(service):kefu-\(service)@127.0.0.1:5672/kefu"),
            databaseURL: value("KEFU_DATABASE_URL",
                               "postgresql://kefu_\(service):kefu_\(service)@127.0.0.1:55432/kefu"),
            httpHost: value("KEFU_HTTP_HOST", "127.0.0.1"),
            httpPort: number("KEFU_HTTP_PORT", defaultHTTPPort),
            databasePoolSize: number("KEFU_DB_POOL_SIZE", 4),
            prefetch: number("KEFU_PREFETCH", 200),
            batchSize: number("KEFU_BATCH_SIZE", 100),
            logLevel: value("KEFU_LOG_LEVEL", "info"))
        configuration.authKey = environment["KEFU_AUTH_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.auth.rateLimit = Double(value("KEFU_RATE_LIMIT", "")) ?? configuration.auth.rateLimit
        configuration.auth.burstSeconds = Double(value("KEFU_RATE_BURST_SECONDS", "")) ?? configuration.auth.burstSeconds
        configuration.auth.metricsPublic = ["1", "true", "yes"].contains(value("KEFU_METRICS_PUBLIC", "false").lowercased())
        return configuration
    }

    /// The signer for `KEFU_AUTH_KEY`, or an error naming the variable.
    public func tokenSigner() throws -> TokenSigner {
        guard let authKey, let signer = TokenSigner(secret: authKey) else {
            throw ConfigurationError(variable: "KEFU_AUTH_KEY",
                                     requirement: "must hold the token signing secret: base64 of at least 32 bytes, or 32 characters or more")
        }
        return signer
    }

    public var postgres: PostgresConfiguration {
        var options = PostgresConfiguration.Options()
        options.maximumConnections = databasePoolSize
        return PostgresConfiguration(url: databaseURL, options: options)
    }

    public func amqp() throws -> AMQPConfiguration { try AMQPConfiguration(url: amqpURL) }
}
