import Foundation
import KefuServiceKit

/// Intake's own settings, from the environment; `docs/configuration.md` lists them.
struct IntakeSettings: Sendable {
    /// `KEFU_TICKET_PREFIX`, default `KF`: ticket numbers are `KF-YYYYMMDD-NNNNNN`.
    var ticketPrefix = "KF"
    /// `KEFU_TICKET_TIME_ZONE`, default UTC: the day in a ticket number, and when the counter restarts.
    var ticketTimeZone = "UTC"
    /// `KEFU_REOPEN_WINDOW_DAYS`, default 14: a follow-up to a ticket resolved or closed longer ago
    /// than this opens a new ticket linked to it instead of reopening it.
    var reopenWindowDays = 14
    /// `KEFU_SUBMISSION_WINDOW_DAYS`, default 30: how long a submission id is remembered. A
    /// repeat within the window gets the same ticket; after it, a new one.
    var submissionWindowDays = 30

    init() {}

    init(environment: [String: String]) throws {
        if let prefix = environment["KEFU_TICKET_PREFIX"], !prefix.isEmpty {
            guard prefix.count <= 10, prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw ConfigurationError(variable: "KEFU_TICKET_PREFIX", requirement: "must be 1 to 10 ASCII letters or digits")
            }
            ticketPrefix = prefix
        }
        if let zone = environment["KEFU_TICKET_TIME_ZONE"], !zone.isEmpty {
            guard TimeZone(identifier: zone) != nil else {
                throw ConfigurationError(variable: "KEFU_TICKET_TIME_ZONE", requirement: "must be an IANA time zone such as Asia/Shanghai")
            }
            ticketTimeZone = zone
        }
        if let days = environment["KEFU_REOPEN_WINDOW_DAYS"], !days.isEmpty {
            guard let value = Int(days), value >= 0 else {
                throw ConfigurationError(variable: "KEFU_REOPEN_WINDOW_DAYS", requirement: "must be a whole number of days, 0 or more")
            }
            reopenWindowDays = value
        }
        if let days = environment["KEFU_SUBMISSION_WINDOW_DAYS"], !days.isEmpty {
            guard let value = Int(days), value >= 1 else {
                throw ConfigurationError(variable: "KEFU_SUBMISSION_WINDOW_DAYS", requirement: "must be a whole number of days, 1 or more")
            }
            submissionWindowDays = value
        }
    }
}
