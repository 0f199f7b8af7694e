import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Changes to customers made through the archive API, and their erasure. Other services hear of
/// both, so that their copies follow.
enum CustomerArchive {
    static func exists(_ id: UUID, in work: UnitOfWork) throws -> Bool {
        try work.query("SELECT 1 FROM intake.customers WHERE id = $1", [id]).count == 1
    }

    /// Sets the name, tier and preferences, and replaces each kind of contact point given.
    static func update(_ id: UUID, name: String?, tier: String?, preferences: ContactPreferences? = nil,
                       contacts: [String: [String]], in work: UnitOfWork) throws -> CustomerView {
        guard let row = try work.query("SELECT erased_at FROM intake.customers WHERE id = $1 FOR UPDATE", [id]).first else {
            throw Problem.notFound("customer \(id)")
        }
        if try row.decode("erased_at") as Date? != nil {
            throw Problem.conflict("Customer erased", detail: "an erased customer cannot be changed")
        }
        try work.query("""
            UPDATE intake.customers SET name = coalesce($2, name), tier = coalesce($3, tier),
                preferences = coalesce($4::jsonb, preferences), updated_at = now()
            WHERE id = $1
            """, [id, name, tier, try preferences.map { String(decoding: try KefuJSON.encode($0), as: UTF8.self) }])
        for (kind, values) in contacts.sorted(by: { $0.key < $1.key }) {
            let taken = try work.query("""
                SELECT value FROM intake.contact_points WHERE kind = $1 AND value = ANY($2) AND customer_id <> $3
                """, [kind, values, id]).map { try $0.require("value", as: String.self) }
            if let value = taken.first, let index = values.firstIndex(of: value) {
                throw Problem(.conflict, title: "Contact point in use",
                              detail: "it belongs to another customer; merge them or remove it there first",
                              errors: [FieldError(field: "/\(kind == "external_id" ? "external_ids" : kind + "s")/\(index)",
                                                  message: "belongs to another customer")])
            }
            try work.query("DELETE FROM intake.contact_points WHERE customer_id = $1 AND kind = $2", [id, kind])
            try work.query("""
                INSERT INTO intake.contact_points (kind, value, customer_id) SELECT $1, unnest($2::text[]), $3
                ON CONFLICT DO NOTHING
                """, [kind, Array(Set(values)), id])
        }
        guard let view = try CustomerView.load(id, on: work.connection) else { throw Problem.notFound("customer \(id)") }
        let first = { (kind: String) in view.contactPoints.first { $0.kind == kind }?.value }
        try work.send(CustomerUpdated(customer: .init(id: view.id, name: view.name, phone: first("phone"), email: first("email"),
                                                      tier: Submission.Tier(rawValue: view.tier) ?? .standard,
                                                      preferences: view.preferences)))
        return view
    }

    /// Replaces the customer's personal data and what they wrote; tickets, statuses and
    /// timelines stay for the statistics. Repeating it changes nothing.
    static func erase(_ id: UUID, in work: UnitOfWork) throws -> CustomerView? {
        guard let row = try work.query("SELECT erased_at FROM intake.customers WHERE id = $1 FOR UPDATE", [id]).first else {
            return nil
        }
        if try row.decode("erased_at") as Date? == nil {
            let now = Date()
            try work.query("UPDATE intake.customers SET name = NULL, erased_at = $2, updated_at = $2 WHERE id = $1", [id, now])
            try work.query("DELETE FROM intake.contact_points WHERE customer_id = $1", [id])
            try work.query("""
                UPDATE intake.ticket_messages SET subject = NULL, body = '[erased]', attachments = NULL, raw_mail = NULL
                WHERE ticket_number IN (SELECT number FROM intake.tickets WHERE customer_id = $1)
                """, [id])
            try work.query("""
                UPDATE intake.tickets SET subject = NULL, body = '[erased]', attachments = NULL, metadata = NULL,
                    product = NULL, updated_at = $2
                WHERE customer_id = $1
                """, [id, now])
            try work.send(CustomerErased(customerID: id.uuidString.lowercased(), erasedAt: now))
        }
        return try CustomerView.load(id, on: work.connection)
    }
}
