import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Finds the customer a submission is about, by any contact point it carries, or creates one.
enum CustomerStore {
    struct Customer: Sendable {
        let id: UUID
        let tier: Submission.Tier
    }

    static func findOrCreate(_ submitted: Submission.Customer, in work: UnitOfWork) throws -> Customer {
        var contacts: [(kind: String, value: String)] = []
        if let phone = submitted.phone { contacts.append(("phone", ContactNormalizer.phone(phone))) }
        if let email = submitted.email { contacts.append(("email", ContactNormalizer.email(email))) }
        if let externalID = submitted.externalID { contacts.append(("external_id", externalID)) }

        let existing = try work.query("""
            SELECT c.id, c.tier FROM intake.contact_points p JOIN intake.customers c ON c.id = p.customer_id
            WHERE (p.kind, p.value) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            ORDER BY c.created_at LIMIT 1
            """, [contacts.map(\.kind), contacts.map(\.value)]).first

        let customer: Customer
        if let existing {
            let id: UUID = try existing.require("id")
            let storedTier = Submission.Tier(rawValue: try existing.require("tier")) ?? .standard
            customer = Customer(id: id, tier: submitted.tier ?? storedTier)
            try work.query("""
                UPDATE intake.customers SET name = coalesce($2, name), tier = $3, updated_at = now() WHERE id = $1
                """, [id, submitted.name, customer.tier.rawValue])
        } else {
            customer = Customer(id: UUID(), tier: submitted.tier ?? .standard)
            try work.query("INSERT INTO intake.customers (id, name, tier) VALUES ($1, $2, $3)",
                           [customer.id, submitted.name, customer.tier.rawValue])
        }
        // New contact points join the customer; one already held by another customer stays there.
        try work.query("""
            INSERT INTO intake.contact_points (kind, value, customer_id)
            SELECT kind, value, $3 FROM unnest($1::text[], $2::text[]) AS t(kind, value)
            ON CONFLICT (kind, value) DO NOTHING
            """, [contacts.map(\.kind), contacts.map(\.value), customer.id])
        return customer
    }
}
