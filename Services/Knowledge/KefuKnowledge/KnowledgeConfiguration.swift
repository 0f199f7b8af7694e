import Foundation
import KefuServiceKit

/// knowledge's own settings, from the environment (docs/configuration.md lists them).
struct KnowledgeConfiguration: Sendable {
    /// `KEFU_PUBLIC_HELP_URL`: where customers reach the help centre, `<url>/help/…`.
    var publicURL = "http://127.0.0.1:8087"
    /// `KEFU_SUGGESTION_FLOOR` (0.35): the least relevance, from 0 to 1, an article needs to be
    /// suggested for a ticket.
    var suggestionFloor = 0.35
    /// `KEFU_SUGGESTION_COUNT` (3): at most this many articles are suggested per ticket.
    var suggestionCount = 3
    /// `KEFU_HELP_RATE_LIMIT` (1 a second per client address, bursts of 10): the help centre's
    /// votes, "solved" answers and contact form.
    var helpRate = 1.0
    var helpBurst = 10.0
    /// `KEFU_TRUSTED_PROXIES` (none): proxies whose forwarding headers name the real client.
    var clientAddress = ClientAddress(trustedProxies: [])
    /// `KEFU_KNOWLEDGE_REFRESH_SECONDS` (1): how often each replica's search index looks for changes.
    var refreshInterval = 1.0
    /// `KEFU_INTAKE_URL`: the help centre's contact form submits tickets through intake's HTTP
    /// API, with a token of a minute that allows `tickets:submit` alone. Without it, the help
    /// centre shows no contact form.
    var intakeURL: String?

    func articleURL(_ id: String, language: String, token: String? = nil) -> String {
        "\(publicURL)/help/\(language)/articles/\(id)" + (token.map { "?t=\($0)" } ?? "")
    }

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        var configuration = Self()
        let reader = EnvironmentReader(environment)
        if let url = reader.text("KEFU_PUBLIC_HELP_URL") {
            configuration.publicURL = try httpURL(url, variable: "KEFU_PUBLIC_HELP_URL")
        }
        if let floor = try reader.number("KEFU_SUGGESTION_FLOOR", atLeast: 0) {
            guard floor <= 1 else { throw ConfigurationError(variable: "KEFU_SUGGESTION_FLOOR", requirement: "must be from 0 to 1") }
            configuration.suggestionFloor = floor
        }
        configuration.suggestionCount = try reader.integer("KEFU_SUGGESTION_COUNT", in: 0...10) ?? 3
        configuration.helpRate = try reader.number("KEFU_HELP_RATE_LIMIT", atLeast: 0.01) ?? 1
        configuration.helpBurst = max(10, configuration.helpRate * 2)
        configuration.clientAddress = ClientAddress(list: reader.text("KEFU_TRUSTED_PROXIES"))
        configuration.refreshInterval = try reader.number("KEFU_KNOWLEDGE_REFRESH_SECONDS", atLeast: 0.05) ?? 1
        if let url = reader.text("KEFU_INTAKE_URL") { configuration.intakeURL = try httpURL(url, variable: "KEFU_INTAKE_URL") }
        return configuration
    }

    private static func httpURL(_ url: String, variable: String) throws -> String {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
            throw ConfigurationError(variable: variable, requirement: "must be an http or https URL")
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
