import Foundation
import KefuServiceKit

/// survey's own settings, from the environment (docs/configuration.md lists them).
struct SurveyConfiguration: Sendable {
    /// `KEFU_PUBLIC_SURVEY_URL`: where customers reach the survey pages, `<url>/s/<token>`.
    var publicURL = "http://127.0.0.1:8085"
    /// `KEFU_SURVEY_VALIDITY_DAYS` (7)
    var validity: TimeInterval = 7 * 24 * 3600
    /// `KEFU_SURVEY_RATE_LIMIT` (1 request a second per client address, bursts of 10) for the
    /// public pages and the SMS endpoint.
    var pageRate = 1.0
    var pageBurst = 10.0
    /// `KEFU_TRUSTED_PROXIES` (none): reverse proxies whose `Forwarded` / `X-Forwarded-For`
    /// name the real client, for the page rate limits.
    var clientAddress = ClientAddress(trustedProxies: [])
    /// `KEFU_REVISIT_MONTHS_KEY` (6) and `KEFU_REVISIT_MONTHS_OTHER` (12).
    var revisitMonthsKey = 6
    var revisitMonthsOther = 12
    /// `KEFU_RECLOSE_AFTER_HOURS` (72): a ticket resolved again after its survey was answered or
    /// expired closes when the customer has been quiet this long.
    var recloseAfter: TimeInterval = 72 * 3600
    /// `KEFU_SURVEY_SWEEP_SECONDS` (5): how often expiries and due visits are looked for.
    var sweepInterval = 5.0
    /// `KEFU_REPORT_TIME_ZONE` (Asia/Shanghai): the days and months KPIs and reports count in.
    var reportTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var configuration = Self()
        let reader = EnvironmentReader(environment)
        if let url = reader.text("KEFU_PUBLIC_SURVEY_URL") {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
                throw ConfigurationError(variable: "KEFU_PUBLIC_SURVEY_URL", requirement: "must be an http or https URL")
            }
            configuration.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        configuration.validity = (try reader.number("KEFU_SURVEY_VALIDITY_DAYS", atLeast: 0.0001) ?? 7) * 24 * 3600
        configuration.pageRate = try reader.number("KEFU_SURVEY_RATE_LIMIT", atLeast: 0.01) ?? configuration.pageRate
        configuration.pageBurst = max(10, configuration.pageRate * 2)
        configuration.clientAddress = ClientAddress(list: reader.text("KEFU_TRUSTED_PROXIES"))
        configuration.revisitMonthsKey = Int(try reader.number("KEFU_REVISIT_MONTHS_KEY", atLeast: 1) ?? 6)
        configuration.revisitMonthsOther = Int(try reader.number("KEFU_REVISIT_MONTHS_OTHER", atLeast: 1) ?? 12)
        configuration.sweepInterval = try reader.number("KEFU_SURVEY_SWEEP_SECONDS", atLeast: 0.1) ?? 5
        configuration.recloseAfter = (try reader.number("KEFU_RECLOSE_AFTER_HOURS", atLeast: 0.0001) ?? 72) * 3600
        configuration.reportTimeZone = try reader.timeZone("KEFU_REPORT_TIME_ZONE") ?? configuration.reportTimeZone
        return configuration
    }
}
