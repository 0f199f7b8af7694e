import Foundation
import KefuContracts

/// The ticket page's values, put together from what each service answered. Whatever a service
/// did not answer is simply left out, and its panel says so.
struct TicketView {
    let number: String
    let language: Language
    private(set) var values: [String: Any] = [:]

    init(number: String, language: Language) {
        self.number = number
        self.language = language
        values["number"] = number
    }

    mutating func add(dispatch: JSONValue?, intake: JSONValue?, notes: JSONValue?) {
        values["subject"] = intake?["subject"]?.string ?? ""
        values["status"] = dispatch?["status"]?.string ?? intake?["status"]?.string ?? ""
        values["priority"] = dispatch?["priority"]?.string ?? intake?["priority"]?.string ?? ""
        values["category"] = dispatch?["category"]?.string ?? intake?["category"]?.string ?? ""
        values["channel"] = intake?["channel"]?.string ?? ""
        values["triage"] = dispatch?["triage"]?.string as Any
        values["messages"] = Self.messages(intake: intake, notes: notes, language: language)
        values["timeline"] = (intake?["timeline"]?.array ?? []).map { entry -> [String: Any] in
            ["type": (entry["type"]?.string ?? "").replacingOccurrences(of: "kefu.", with: ""),
             "status": entry["status"]?.string as Any,
             "at": Formatting.parse(entry["occurred_at"]?.string).map { Formatting.time($0, language) } ?? ""]
        }
    }

    mutating func add(decision: JSONValue?, assignments: JSONValue?, clocks: ServiceClient.Answer) {
        if let decision {
            let rules = (decision["rules_fired"]?.array ?? []).compactMap { $0["name"]?.string }.joined(separator: ", ")
            let model = (decision["model"]?["top"]?.array ?? []).prefix(3).compactMap { guess -> String? in
                guard let category = guess["category"]?.string, let probability = guess["probability"]?.number else { return nil }
                return "\(category) \(Int(probability * 100))%"
            }.joined(separator: ", ")
            values["decision"] = ["category": decision["category"]?.string ?? "", "priority": decision["priority"]?.string ?? "",
                                  "source": decision["category_source"]?.string ?? "", "rules": rules.isEmpty ? nil : rules,
                                  "model": model.isEmpty ? nil : model] as [String: Any?]
        }
        if let latest = assignments?["assignments"]?.array.last {
            values["assignment"] = ["agent": latest["agent_id"]?.string ?? "",
                                    "rule": latest["explanation"]?["rule"]?.string ?? ""]
        }
        switch clocks {
        case .ok(let list):
            values["clocks"] = list.array.map { clock in Self.clock(clock, language: language) }
        default:
            values["clocks_unavailable"] = true
        }
    }

    /// One SLA clock: a countdown while it runs or is paused, what came of it once stopped.
    static func clock(_ clock: JSONValue, language: Language) -> [String: Any] {
        let key = clock["target"]?.string ?? ""
        let target = Text(rawValue: key).map(language.text) ?? key
        var values: [String: Any] = ["target": target, "target_key": key]
        let paused = clock["paused"]?.bool == true
        let breached = clock["breached"]?.bool == true
        if clock["stopped"]?.bool == true {
            values["outcome"] = language.text(breached ? .breached : .met)
            values["outcome_class"] = breached ? "late" : "fine"
            return values
        }
        let left = (clock["target_seconds"]?.number ?? 0) - (clock["elapsed_seconds"]?.number ?? 0)
        let due = paused ? Date().addingTimeInterval(left) : Formatting.parse(clock["due_at"]?.string) ?? Date()
        values["running"] = true
        values["due"] = Formatting.rfc3339(due)
        values["paused"] = paused ? "true" : "false"
        values["left"] = paused ? String(Int(left)) : ""
        values["due_text"] = Formatting.due(due, paused: paused, language)
        return values
    }

    mutating func add(customer: JSONValue?) {
        if let customer {
            let contacts = (customer["contact_points"]?.array ?? []).compactMap { point -> String? in
                guard let kind = point["kind"]?.string, let value = point["value"]?.string else { return nil }
                return "\(kind): \(value)"
            }
            let products = (customer["products"]?.array ?? []).compactMap { product -> String? in
                [product["model"]?.string, product["serial"]?.string].compactMap { $0 }.joined(separator: " ").nilIfEmpty
            }
            values["customer"] = ["name": customer["name"]?.string?.nilIfEmpty ?? false, "tier": customer["tier"]?.string ?? "",
                                  "contacts": contacts, "products": products] as [String: Any]
        }
        let earlier = (customer?["recent_tickets"]?.array ?? []).filter { $0["number"]?.string != number }.prefix(5).map { item in
            ["number": item["number"]?.string ?? "", "subject": item["subject"]?.string ?? "", "status": item["status"]?.string ?? ""]
        }
        values["earlier"] = Array(earlier)
        values["has_earlier"] = !earlier.isEmpty
    }

    /// The customer's messages (intake) and agents' replies and notes (dispatch), in time order.
    static func messages(intake: JSONValue?, notes: JSONValue?, language: Language) -> [[String: Any]] {
        var entries: [(Date, [String: Any])] = []
        for message in intake?["messages"]?.array ?? [] {
            let at = Formatting.parse(message["received_at"]?.string) ?? .distantPast
            entries.append((at, ["kind": "customer", "who": language.text(.customerMessage), "at": Formatting.time(at, language),
                                 "internal": false, "body": message["body"]?.string ?? "",
                                 // Named apart from the ticket's own subject: Mustache would
                                 // otherwise find that one for a message without a subject.
                                 "message_subject": message["subject"]?.string ?? false]))
        }
        for note in notes?.array ?? [] {
            let at = Formatting.parse(note["written_at"]?.string) ?? .distantPast
            let isInternal = note["internal"]?.bool ?? true
            entries.append((at, ["kind": isInternal ? "note" : "reply", "who": note["author"]?.string ?? "",
                                 "at": Formatting.time(at, language), "internal": isInternal, "body": note["text"]?.string ?? "",
                                 "message_subject": false]))
        }
        return entries.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The actions the ticket's state allows, each a button with its keyboard shortcut.
    static func actions(status: String?, language: Language, number: String, csrf: String) -> [[String: Any]] {
        let allowed: [(String, Text, String)]
        switch status {
        case "assigned": allowed = [("accept", .accept, "a")]
        case "accepted": allowed = [("waiting-customer", .askCustomer, ""), ("waiting-parts", .waitParts, "")]
        case "waiting": allowed = [("resume", .resume, "")]
        case "resolved", "closed": allowed = [("reopen", .reopen, "")]
        default: allowed = []
        }
        return allowed.map { ["action": $0.0, "label": language.text($0.1), "key": $0.2, "number": number, "csrf": csrf] }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
