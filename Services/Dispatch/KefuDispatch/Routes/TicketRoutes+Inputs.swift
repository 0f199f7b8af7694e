import Foundation
import KefuContracts

/// The bodies of the ticket steps, each with what is wrong with it.
extension TicketRoutes {
    struct ResolveInput: Decodable, Sendable {
        /// A resolution code from the service desk's list, e.g. `repaired`, `replaced`, `advice`.
        var code: String?
        var summary: String?
        /// Older clients' free text; taken as the summary.
        var resolution: String?
    }

    struct NoteInput: Decodable, Sendable {
        let text: String
        /// Internal notes stay with staff; the others go to the customer through notification.
        let `internal`: Bool?

        func problems() -> [FieldError] {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, text.count <= 20_000 else {
                return [FieldError(field: "/text", message: "must be 1 to 20000 characters")]
            }
            return []
        }
    }

    struct WaitInput: Decodable, Sendable {
        /// `customer` or `parts`.
        let on: String

        func problems() -> [FieldError] {
            ["customer", "parts"].contains(on) ? [] : [FieldError(field: "/on", message: "must be customer or parts")]
        }
    }

    struct TransferInput: Decodable, Sendable {
        let agentID: String?
        let teamID: String?
        let reason: String

        enum CodingKeys: String, CodingKey {
            case reason
            case agentID = "agent_id"
            case teamID = "team_id"
        }

        func problems() -> [FieldError] {
            var errors: [FieldError] = []
            if (agentID == nil) == (teamID == nil) {
                errors.append(FieldError(field: "/agent_id", message: "or team_id is needed, not both"))
            }
            if reason.trimmingCharacters(in: .whitespaces).isEmpty {
                errors.append(FieldError(field: "/reason", message: "must not be empty"))
            }
            return errors
        }
    }

    struct RecategoriseInput: Decodable, Sendable {
        let category: String
        let reason: String?

        func problems() -> [FieldError] {
            var errors: [FieldError] = []
            if category.wholeMatch(of: /[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40})?/) == nil {
                errors.append(FieldError(field: "/category", message: "is not a category id"))
            }
            if let reason, reason.count > 2000 { errors.append(FieldError(field: "/reason", message: "is longer than 2000 characters")) }
            return errors
        }
    }
}
