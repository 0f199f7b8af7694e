import Foundation
import KefuContracts
import KefuCurl
import KefuServiceKit

/// notification's own settings, from the environment (docs/configuration.md lists them).
struct NotificationConfiguration: Sendable {
    struct SMS: Sendable {
        /// `KEFU_SMS_GATEWAY_URL`; without it SMS deliveries fail with "no SMS gateway configured".
        var gatewayURL: String?
        /// `KEFU_SMS_BODY_TEMPLATE`: the request body with `{{to}}`, `{{text}}`, `{{reference}}`,
        /// `{{sender}}`, escaped for `KEFU_SMS_CONTENT_TYPE` (JSON or form encoding).
        var bodyTemplate = #"{"to":"{{to}}","text":"{{text}}","reference":"{{reference}}","sender":"{{sender}}"}"#
        var contentType = "application/json"
        /// `KEFU_SMS_AUTHORIZATION`: the Authorization header's value, if the gateway wants one.
        var authorization: String?
        /// `KEFU_SMS_SENDER`
        var sender = "Kefu"
        /// `KEFU_SMS_MAX_PARTS` (3): a longer text is cut, marked with an ellipsis.
        var maxParts = 3
    }

    struct Retry: Sendable {
        /// `KEFU_NOTIFY_MAX_ATTEMPTS` (6)
        var maxAttempts = 6
        /// `KEFU_NOTIFY_BACKOFF_SECONDS` (30): the first retry's delay, doubling each time.
        var baseDelay = 30.0
        /// `KEFU_NOTIFY_BACKOFF_MAX_SECONDS` (3600)
        var maxDelay = 3600.0
    }

    var smtp = SMTPClient.Configuration(host: "127.0.0.1", port: 2525)
    /// `KEFU_MAIL_FROM` and `KEFU_MAIL_FROM_NAME`
    var mailFrom = "service@kefu.localhost"
    var mailFromName = "Kefu"
    /// `KEFU_MAIL_DOMAIN`: the right-hand side of Message-IDs.
    var mailDomain = "kefu.localhost"
    var sms = SMS()
    var retry = Retry()
    /// `KEFU_ACK_WAIT_SECONDS` (60): how long an acknowledgement waits for the ticket's
    /// first-response target before it goes without one.
    var acknowledgementWait: Double = 60
    /// `KEFU_ACK_SUGGESTIONS` (none): the channels (`email`, `sms`) whose acknowledgement lists
    /// the public articles knowledge suggested, as `{{suggested_articles}}`. When any is named,
    /// the acknowledgement also waits for the suggestions, up to `KEFU_ACK_WAIT_SECONDS`.
    var acknowledgementSuggestions: Set<String> = []
    /// `KEFU_NOTIFY_TIMEOUT_SECONDS` (10): one attempt's limit, per channel.
    var timeout = 10.0
    /// `KEFU_NOTIFY_RATE_EMAIL`, `_SMS`, `_WEBHOOK`: deliveries a second per channel and replica.
    var rates: [String: Double] = ["email": 50, "sms": 20, "webhook": 100]
    /// `KEFU_NOTIFY_CONCURRENCY` (4): attempts in flight per channel and replica.
    var concurrency = 4
    /// `KEFU_WEBHOOK_ALLOW_PRIVATE` (false): allow webhook targets on loopback and private networks.
    var allowPrivateWebhooks = false
    /// `KEFU_QUIET_HOURS` (22:00-08:00; empty for none) and `KEFU_DEFAULT_TIME_ZONE`
    /// (Asia/Shanghai): for customers who set neither.
    var quietHours: (start: String, end: String)? = ("22:00", "08:00")
    var defaultTimeZone = "Asia/Shanghai"

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var configuration = Self()
        let reader = EnvironmentReader(environment)
        if let text = reader.text("KEFU_SMTP_URL") {
            guard let url = URL(string: text), let scheme = url.scheme, ["smtp", "smtps"].contains(scheme), let host = url.host else {
                throw ConfigurationError(variable: "KEFU_SMTP_URL", requirement: "must be smtp://host:port or smtps://host:port")
            }
            configuration.smtp = SMTPClient.Configuration(host: host, port: url.port ?? (scheme == "smtps" ? 465 : 25),
                                                          security: scheme == "smtps" ? .implicitTLS : .none)
        }
        if let text = reader.text("KEFU_SMTP_SECURITY") {
            guard let security = SMTPClient.Configuration.Security(rawValue: text) else {
                throw ConfigurationError(variable: "KEFU_SMTP_SECURITY", requirement: "must be none, starttls or tls")
            }
            configuration.smtp.security = security
        }
        configuration.smtp.username = reader.text("KEFU_SMTP_USER")
        configuration.smtp.password = reader.text("KEFU_SMTP_PASSWORD")
        configuration.smtp.options.caFile = reader.text("KEFU_SMTP_CA_FILE")
        configuration.mailFrom = reader.text("KEFU_MAIL_FROM") ?? configuration.mailFrom
        configuration.mailFromName = reader.text("KEFU_MAIL_FROM_NAME") ?? configuration.mailFromName
        configuration.mailDomain = reader.text("KEFU_MAIL_DOMAIN") ?? configuration.mailDomain
        configuration.sms.gatewayURL = reader.text("KEFU_SMS_GATEWAY_URL")
        configuration.sms.bodyTemplate = reader.text("KEFU_SMS_BODY_TEMPLATE") ?? configuration.sms.bodyTemplate
        configuration.sms.contentType = reader.text("KEFU_SMS_CONTENT_TYPE") ?? configuration.sms.contentType
        configuration.sms.authorization = reader.text("KEFU_SMS_AUTHORIZATION")
        configuration.sms.sender = reader.text("KEFU_SMS_SENDER") ?? configuration.sms.sender
        configuration.sms.maxParts = Int(try reader.number("KEFU_SMS_MAX_PARTS", atLeast: 1) ?? 3)
        configuration.retry.maxAttempts = Int(try reader.number("KEFU_NOTIFY_MAX_ATTEMPTS", atLeast: 1) ?? 6)
        configuration.acknowledgementWait = try reader.number("KEFU_ACK_WAIT_SECONDS", atLeast: 0) ?? 60
        if let text = reader.text("KEFU_ACK_SUGGESTIONS") {
            let channels = Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            guard channels.isSubset(of: ["email", "sms"]) else {
                throw ConfigurationError(variable: "KEFU_ACK_SUGGESTIONS", requirement: "must list channels among email and sms")
            }
            configuration.acknowledgementSuggestions = channels
        }
        configuration.retry.baseDelay = try reader.number("KEFU_NOTIFY_BACKOFF_SECONDS", atLeast: 0.1) ?? 30
        configuration.retry.maxDelay = try reader.number("KEFU_NOTIFY_BACKOFF_MAX_SECONDS", atLeast: 0.1) ?? 3600
        configuration.timeout = try reader.number("KEFU_NOTIFY_TIMEOUT_SECONDS", atLeast: 0.5) ?? 10
        configuration.smtp.options.timeout = .milliseconds(Int(configuration.timeout * 1000))
        configuration.smtp.options.connectTimeout = .milliseconds(Int(min(5, configuration.timeout) * 1000))
        for channel in ["email", "sms", "webhook"] {
            if let rate = try reader.number("KEFU_NOTIFY_RATE_\(channel.uppercased())", atLeast: 0.1) {
                configuration.rates[channel] = rate
            }
        }
        configuration.concurrency = Int(try reader.number("KEFU_NOTIFY_CONCURRENCY", atLeast: 1) ?? 4)
        configuration.allowPrivateWebhooks = reader.flag("KEFU_WEBHOOK_ALLOW_PRIVATE")
        if let text = environment["KEFU_QUIET_HOURS"] {
            let parts = text.split(separator: "-").map(String.init)
            if text.isEmpty {
                configuration.quietHours = nil
            } else if parts.count == 2, parts.allSatisfy({ ContactPreferences.minutes($0) != nil }) {
                configuration.quietHours = (parts[0], parts[1])
            } else {
                throw ConfigurationError(variable: "KEFU_QUIET_HOURS", requirement: "must be HH:mm-HH:mm, or empty for none")
            }
        }
        configuration.defaultTimeZone = try reader.timeZone("KEFU_DEFAULT_TIME_ZONE")?.identifier ?? configuration.defaultTimeZone
        return configuration
    }
}
