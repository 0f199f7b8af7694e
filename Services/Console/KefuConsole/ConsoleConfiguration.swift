import Foundation
import KefuServiceKit

/// The console's own settings, from the environment (docs/configuration.md lists them).
struct ConsoleConfiguration: Sendable {
    /// `KEFU_INTAKE_URL` … `KEFU_SURVEY_URL`, `KEFU_KNOWLEDGE_URL`: the services the console calls for people.
    var intakeURL = "http://127.0.0.1:8081"
    var classificationURL = "http://127.0.0.1:8082"
    var dispatchURL = "http://127.0.0.1:8083"
    var notificationURL = "http://127.0.0.1:8084"
    var surveyURL = "http://127.0.0.1:8085"
    var knowledgeURL = "http://127.0.0.1:8087"
    /// `KEFU_CONSOLE_IDLE_MINUTES` (30): a session nobody used this long is over.
    var idleTimeout: TimeInterval = 30 * 60
    /// `KEFU_CONSOLE_SECURE_COOKIES` (false; true behind TLS): the session cookie is `Secure`.
    var secureCookies = false
    /// `KEFU_BCRYPT_COST` (12): the work factor of stored password hashes.
    var bcryptCost: UInt8 = 12
    /// `KEFU_CONSOLE_SIGN_IN_LIMIT` (5): failed sign-ins an account or an address may make in
    /// `KEFU_CONSOLE_SIGN_IN_WINDOW_MINUTES` (15) before it must wait for the window to pass.
    var signInLimit = 5
    var signInWindow: TimeInterval = 15 * 60
    /// How long the live stream keeps events for a reconnecting browser: 24 hours.
    var eventRetention: TimeInterval = 24 * 3600
    /// `KEFU_TRUSTED_PROXIES`: reverse proxies whose `X-Forwarded-For` names the real client.
    var clientAddress = ClientAddress(trustedProxies: [])
    /// How long a call to another service may take before its panel says it is unavailable.
    var backendTimeout: Double = 5

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var configuration = Self()
        let reader = EnvironmentReader(environment)
        func url(_ key: String, _ keyPath: WritableKeyPath<Self, String>) throws {
            guard let text = reader.text(key) else { return }
            guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? "") else {
                throw ConfigurationError(variable: key, requirement: "must be an http or https URL")
            }
            configuration[keyPath: keyPath] = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        try url("KEFU_INTAKE_URL", \.intakeURL)
        try url("KEFU_CLASSIFICATION_URL", \.classificationURL)
        try url("KEFU_DISPATCH_URL", \.dispatchURL)
        try url("KEFU_NOTIFICATION_URL", \.notificationURL)
        try url("KEFU_SURVEY_URL", \.surveyURL)
        try url("KEFU_KNOWLEDGE_URL", \.knowledgeURL)
        configuration.idleTimeout = (try reader.number("KEFU_CONSOLE_IDLE_MINUTES", atLeast: 0.01) ?? 30) * 60
        configuration.secureCookies = try reader.boolean("KEFU_CONSOLE_SECURE_COOKIES") ?? false
        configuration.bcryptCost = UInt8(try reader.integer("KEFU_BCRYPT_COST", in: 4...16) ?? 12)
        configuration.signInLimit = try reader.integer("KEFU_CONSOLE_SIGN_IN_LIMIT", in: 1...1000) ?? 5
        configuration.signInWindow = (try reader.number("KEFU_CONSOLE_SIGN_IN_WINDOW_MINUTES", atLeast: 0.01) ?? 15) * 60
        configuration.clientAddress = ClientAddress(list: reader.text("KEFU_TRUSTED_PROXIES"))
        return configuration
    }
}
