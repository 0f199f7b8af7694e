import Foundation
import KefuContracts

/// One ticket in a list, from dispatch's view of it and intake's.
struct Row {
    /// What the filters match on.
    let facts: [String: String]
    let due: Date?
    let created: Date?
    let priority: String
    /// What the template shows.
    let values: [String: Any]

    init(intake: JSONValue, dispatch: JSONValue?, language: Language) {
        let number = dispatch?["number"]?.string ?? intake["number"]?.string ?? ""
        let status = dispatch?["status"]?.string ?? intake["status"]?.string ?? ""
        // Before acceptance the first response is what is due; after it, the resolution.
        let firstDue = status == "assigned" || status == "queued" || status == "new"
        let paused = dispatch?["resolution_left_seconds"]?.number
        let created = Formatting.parse(intake["created_at"]?.string)
        if status == "resolved" || status == "closed" || status.isEmpty {
            due = nil
        } else if let paused {
            due = Date().addingTimeInterval(paused)
        } else {
            due = Formatting.parse(dispatch?[firstDue ? "first_response_due_at" : "resolution_due_at"]?.string)
        }
        self.created = created
        priority = dispatch?["priority"]?.string ?? intake["priority"]?.string ?? ""
        facts = [
            "status": status, "priority": priority,
            "category": dispatch?["category"]?.string ?? intake["category"]?.string ?? "",
            "channel": intake["channel"]?.string ?? dispatch?["channel"]?.string ?? "",
            "tier": intake["customer_tier"]?.string ?? "",
        ]
        var values: [String: Any] = facts
        values["number"] = number
        values["subject"] = intake["subject"]?.string ?? ""
        values["customer"] = intake["customer_name"]?.string ?? ""
        values["agent"] = dispatch?["agent_id"]?.string ?? intake["agent_id"]?.string ?? ""
        values["age"] = created.map { Formatting.duration(Date().timeIntervalSince($0), language) } ?? ""
        if let due {
            values["due"] = Formatting.rfc3339(due)
            values["paused"] = paused != nil ? "true" : "false"
            values["left"] = paused.map { String(Int($0)) } ?? ""
            values["due_text"] = Formatting.due(due, paused: paused != nil, language)
        }
        self.values = values
    }

    /// Soonest due first (nothing due goes last), or most urgent, or oldest.
    static func order(_ key: String?) -> (Row, Row) -> Bool {
        switch key {
        case "priority": { ($0.priority, $0.due ?? .distantFuture) < ($1.priority, $1.due ?? .distantFuture) }
        case "age": { ($0.created ?? .distantFuture) < ($1.created ?? .distantFuture) }
        default: { ($0.due ?? .distantFuture, $0.priority) < ($1.due ?? .distantFuture, $1.priority) }
        }
    }
}
