import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Finds the customer each submission is about, by any contact point it carries, or creates one.
/// Works on a whole batch in four statements; two submissions of one new customer in the same
/// batch find the same customer.
enum CustomerStore {
    struct Customer: Sendable {
        let id: UUID
        let tier: Submission.Tier
    }

    private struct ContactKey: Hashable {
        let kind: String
        let value: String
    }

    static func findOrCreate(_ submitted: [Submission.Customer], in work: UnitOfWork) throws -> [Customer] {
        let keysPerSubmission = submitted.map(contactKeys)
        let allKeys = Array(Set(keysPerSubmission.joined()))
        var known: [ContactKey: Customer] = [:]
        for row in try work.query("""
            SELECT p.kind, p.value, c.id, c.tier
            FROM intake.contact_points p JOIN intake.customers c ON c.id = p.customer_id
            WHERE (p.kind, p.value) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            """, [allKeys.map(\.kind), allKeys.map(\.value)]) {
            known[ContactKey(kind: try row.require("kind"), value: try row.require("value"))] =
                Customer(id: try row.require("id"), tier: Submission.Tier(rawValue: try row.require("tier")) ?? .standard)
        }

        var created: [UUID: (name: String?, tier: Submission.Tier)] = [:]
        var updated: [UUID: (name: String?, tier: Submission.Tier)] = [:]
        var customers: [Customer] = []
        for (customer, keys) in zip(submitted, keysPerSubmission) {
            let found = keys.lazy.compactMap { known[$0] }.first
            let id = found?.id ?? UUID()
            let tier = customer.tier ?? found?.tier ?? .standard
            let resolved = Customer(id: id, tier: tier)
            if found == nil || created[id] != nil {
                created[id] = (customer.name ?? created[id]?.name, tier)
            } else {
                updated[id] = (customer.name ?? updated[id]?.name, tier)
            }
            // Later submissions in the batch find this customer, as it is now, by these contact points.
            for key in keys where known[key] == nil || known[key]?.id == id { known[key] = resolved }
            customers.append(resolved)
        }

        if !created.isEmpty {
            let rows = Array(created)
            try work.query("INSERT INTO intake.customers (id, name, tier) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])",
                           [rows.map(\.key), PostgresNullableArray(rows.map(\.value.name)), rows.map(\.value.tier.rawValue)])
        }
        if !updated.isEmpty {
            let rows = Array(updated)
            try work.query("""
                UPDATE intake.customers c SET name = coalesce(u.name, c.name), tier = u.tier, updated_at = now()
                FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, name, tier) WHERE c.id = u.id
                """, [rows.map(\.key), PostgresNullableArray(rows.map(\.value.name)), rows.map(\.value.tier.rawValue)])
        }
        // New contact points join their customer; one already held by another customer stays there.
        var contactRows: [(ContactKey, UUID)] = []
        for (customer, keys) in zip(customers, keysPerSubmission) {
            contactRows += keys.map { ($0, customer.id) }
        }
        try work.query("""
            INSERT INTO intake.contact_points (kind, value, customer_id)
            SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[])
            ON CONFLICT (kind, value) DO NOTHING
            """, [contactRows.map(\.0.kind), contactRows.map(\.0.value), contactRows.map(\.1)])
        return customers
    }

    private static func contactKeys(_ customer: Submission.Customer) -> [ContactKey] {
        var keys: [ContactKey] = []
        if let phone = customer.phone { keys.append(ContactKey(kind: "phone", value: ContactNormalizer.phone(phone))) }
        if let email = customer.email { keys.append(ContactKey(kind: "email", value: ContactNormalizer.email(email))) }
        if let externalID = customer.externalID { keys.append(ContactKey(kind: "external_id", value: externalID)) }
        return keys
    }
}
