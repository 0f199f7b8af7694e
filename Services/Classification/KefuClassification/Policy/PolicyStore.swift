import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Rules, taxonomy and settings in classification's schema. Every edit bumps the revision in
/// the same transaction, which is how replicas notice it.
enum PolicyStore {
    static func load(on connection: PostgresConnection) throws -> Policy {
        let rules = try rules(on: connection)
        let categories = try connection.query("SELECT body::text AS body FROM classification.categories ORDER BY id").map {
            try $0.json("body", as: Category.self)
        }
        let settingsRow = try connection.query("SELECT body::text AS body, revision FROM classification.settings").first
        let settings = try settingsRow.map {
            try $0.json("body", as: ClassificationSettings.self)
        } ?? ClassificationSettings()
        return Policy(rules: rules, categories: categories, settings: settings,
                      revision: try settingsRow?.require("revision") ?? 0)
    }

    /// In the order the engine tries them.
    static func rules(on connection: PostgresConnection) throws -> [Rule] {
        try connection.query("SELECT id, position, body::text AS body FROM classification.rules ORDER BY position, id").map(rule)
    }

    static func rule(_ row: PostgresRow) throws -> Rule {
        var rule = try row.json("body", as: Rule.self)
        rule.id = try row.require("id")
        rule.position = try row.require("position")
        return rule
    }

    static func bumpRevision(in work: UnitOfWork) throws {
        try work.query("UPDATE classification.settings SET revision = revision + 1, updated_at = now()")
    }

    /// Inserts a rule, or replaces the one with `id`; nil when there is no such rule to replace.
    static func save(_ rule: Rule, id: Int?, by editor: String, in work: UnitOfWork) throws -> Rule? {
        var body = rule
        body.id = nil
        let json = String(decoding: try KefuJSON.encode(body), as: UTF8.self)
        let row: PostgresRow?
        if let id {
            row = try work.query("""
                UPDATE classification.rules SET position = $2, body = $3::jsonb, updated_at = now(), updated_by = $4
                WHERE id = $1 RETURNING id, position, body::text AS body
                """, [id, rule.position, json, editor]).first
        } else {
            row = try work.query("""
                INSERT INTO classification.rules (position, body, updated_by) VALUES ($1, $2::jsonb, $3)
                RETURNING id, position, body::text AS body
                """, [rule.position, json, editor]).first
        }
        guard let row else { return nil }
        try bumpRevision(in: work)
        return try self.rule(row)
    }

    static func deleteRule(_ id: Int, in work: UnitOfWork) throws -> Bool {
        guard try work.query("DELETE FROM classification.rules WHERE id = $1", [id]).affectedRows == 1 else { return false }
        try bumpRevision(in: work)
        return true
    }

    static func save(_ category: Category, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO classification.categories (id, body) VALUES ($1, $2::jsonb)
            ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = now()
            """, [category.id, String(decoding: try KefuJSON.encode(category), as: UTF8.self)])
        try bumpRevision(in: work)
    }

    static func save(_ settings: ClassificationSettings, in work: UnitOfWork) throws {
        try work.query("UPDATE classification.settings SET body = $1::jsonb",
                       [String(decoding: try KefuJSON.encode(settings), as: UTF8.self)])
        try bumpRevision(in: work)
    }

    /// The next scheduled training a new interval from now, rather than from the last run.
    static func rescheduleTraining(everyHours hours: Double, in work: UnitOfWork) throws {
        try work.query("UPDATE classification.training_schedule SET next_run_at = now() + make_interval(secs => $1)", [hours * 3600])
    }

    /// The SQL that seeds a new schema with the default taxonomy and rules.
    static var seed: String {
        func literal(_ value: some Encodable) -> String {
            "'" + String(decoding: try! KefuJSON.encode(value), as: UTF8.self).replacingOccurrences(of: "'", with: "''") + "'"
        }
        return """
            INSERT INTO categories (id, body)
                SELECT c->>'id', c FROM jsonb_array_elements(\(literal(Category.defaults))::jsonb) AS c;
            INSERT INTO rules (position, body, updated_by)
                SELECT (r->>'position')::integer, r, 'default' FROM jsonb_array_elements(\(literal(Rule.defaults))::jsonb) AS r;
            INSERT INTO settings (id, body, revision) VALUES (1, \(literal(ClassificationSettings())), 1);
            """
    }
}
