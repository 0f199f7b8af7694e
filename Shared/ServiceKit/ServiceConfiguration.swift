public import Foundation
import Logging
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
    /// `KEFU_SHUTDOWN_TIMEOUT_SECONDS`, default 25: how long a graceful shutdown may take before
    /// what is left is cancelled. Supervisors must wait longer than this before SIGKILL.
    public var shutdownTimeout: Duration = .seconds(25)

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

    /// Reads the configuration, falling back to the local stack's defaults for `service`. A value
    /// that is set but not usable throws a `ConfigurationError` naming the variable, so the
    /// service stops at start instead of running on a guess.
    public static func fromEnvironment(service: String, defaultHTTPPort: Int,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        let reader = EnvironmentReader(environment)
        func integer(_ key: String, _ fallback: Int, in range: ClosedRange<Int>) throws -> Int {
            try reader.integer(key, in: range) ?? fallback
        }
        var configuration = ServiceConfiguration(
            service: service,
            amqpURL: reader.text("KEFU_AMQP_URL") ?? "amqp://kefu-\(service):kefu-\(service)@127.0.0.1:5672/kefu",
            databaseURL: reader.text("KEFU_DATABASE_URL")
                ?? "postgresql://kefu_\(service):kefu_\(service)@127.0.0.1:55432/kefu",
            httpHost: reader.text("KEFU_HTTP_HOST") ?? "127.0.0.1",
            httpPort: try integer("KEFU_HTTP_PORT", defaultHTTPPort, in: 0...65535),
            databasePoolSize: try integer("KEFU_DB_POOL_SIZE", 4, in: 1...100),
            prefetch: try integer("KEFU_PREFETCH", 200, in: 1...65535),
            batchSize: try integer("KEFU_BATCH_SIZE", 100, in: 1...10_000),
            logLevel: reader.text("KEFU_LOG_LEVEL") ?? "info")
        guard Logger.Level(rawValue: configuration.logLevel) != nil else {
            throw ConfigurationError(variable: "KEFU_LOG_LEVEL",
                                     requirement: "must be trace, debug, info, notice, warning, error or critical")
        }
        do {
            _ = try configuration.amqp()
        } catch {
            throw ConfigurationError(variable: "KEFU_AMQP_URL",
                                     requirement: "must be amqp://user:password@host:port/vhost, or several such hosts separated by commas")
        }
        guard configuration.databaseURL.hasPrefix("postgresql://") || configuration.databaseURL.hasPrefix("postgres://") else {
            throw ConfigurationError(variable: "KEFU_DATABASE_URL", requirement: "must be postgresql://user:password@host:port/database")
        }
        configuration.authKey = reader.text("KEFU_AUTH_KEY")
        configuration.auth.rateLimit = try reader.number("KEFU_RATE_LIMIT", atLeast: 0.001) ?? configuration.auth.rateLimit
        configuration.auth.burstSeconds = try reader.number("KEFU_RATE_BURST_SECONDS", atLeast: 0.001)
            ?? configuration.auth.burstSeconds
        configuration.auth.metricsPublic = try reader.boolean("KEFU_METRICS_PUBLIC") ?? false
        configuration.shutdownTimeout = .seconds(try reader.number("KEFU_SHUTDOWN_TIMEOUT_SECONDS", atLeast: 1) ?? 25)
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

    /// The broker settings, with connections named after the service so operators can tell
    /// them apart in the management UI.
    public func amqp(role: String = "") throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: amqpURL)
        configuration.options.connectionName = "kefu-\(service)" + (role.isEmpty ? "" : " \(role)")
        return configuration
    }
}
