import KefuMessaging
import KefuServiceKit
import Testing

@Suite("Service settings from the environment")
struct ConfigurationTests {
    private func configuration(_ environment: [String: String]) throws -> ServiceConfiguration {
        try ServiceConfiguration.fromEnvironment(service: "intake", defaultHTTPPort: 8081, environment: environment)
    }

    @Test("unset settings take their documented defaults")
    func defaults() throws {
        let configuration = try configuration([:])
        #expect(configuration.batchSize == 100)
        #expect(configuration.prefetch == 200)
        #expect(configuration.databasePoolSize == 4)
        #expect(configuration.httpPort == 8081)
        #expect(configuration.shutdownTimeout == .seconds(25))
        #expect(try configuration.amqp().endpoints.map(\.description) == ["127.0.0.1:5672"])
    }

    @Test("a bad value stops the service, naming the variable", arguments: [
        ("KEFU_BATCH_SIZE", "0"), ("KEFU_BATCH_SIZE", "ten"), ("KEFU_PREFETCH", "-1"), ("KEFU_DB_POOL_SIZE", "0"),
        ("KEFU_HTTP_PORT", "70000"), ("KEFU_LOG_LEVEL", "loud"), ("KEFU_AMQP_URL", "http://broker"),
        ("KEFU_DATABASE_URL", "mysql://x"), ("KEFU_RATE_LIMIT", "0"), ("KEFU_METRICS_PUBLIC", "perhaps"),
        ("KEFU_SHUTDOWN_TIMEOUT_SECONDS", "0"),
    ])
    func badValue(_ variable: String, _ value: String) throws {
        #expect {
            try configuration([variable: value])
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }

    @Test("a broker list becomes the endpoints a client fails over between")
    func brokerList() throws {
        let configuration = try configuration(["KEFU_AMQP_URL": "amqp://u:p@10.0.0.1:5672,10.0.0.2:5673/kefu"])
        let amqp = try configuration.amqp(role: "publisher")
        #expect(amqp.endpoints.map(\.description) == ["10.0.0.1:5672", "10.0.0.2:5673"])
        #expect(amqp.options.connectionName == "kefu-intake publisher")
    }
}
