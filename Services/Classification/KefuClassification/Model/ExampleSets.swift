import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Training examples belong to a named set. `production` is the default: uploads without a set
/// name, triage decisions and agents' corrections go there, and scheduled training learns from it.
/// Other sets keep a data set apart (an evaluation, a second product line) until a model is
/// trained on exactly the sets chosen (docs/http-api.md, "classification (8082)").
enum ExampleSets {
    static let production = "production"

    /// 1 to 64 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit.
    static func isName(_ text: String) -> Bool {
        text.wholeMatch(of: /[a-z0-9][a-z0-9._-]{0,63}/) != nil
    }

    struct Summary: Codable, RowDecodable, Sendable {
        let name: String
        let examples: Int
        /// How many examples each label has.
        let labels: [String: Int]
    }

    struct Example: Codable, RowDecodable, Sendable {
        let id: Int64
        let text: String
        let label: String
        let source: String
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id, text, label, source
            case createdAt = "created_at"
        }
    }

    static func summaries(on connection: PostgresConnection) throws -> [Summary] {
        try connection.query("""
            SELECT set_name AS name, sum(n)::bigint AS examples, jsonb_object_agg(label, n)::text AS labels
            FROM (SELECT set_name, label, count(*) AS n FROM classification.training_examples GROUP BY set_name, label) AS counted
            GROUP BY set_name ORDER BY set_name
            """).map(Summary.init)
    }

    /// A page of a set's examples, oldest first, after the example `after`.
    static func examples(in set: String, after: Int64, limit: Int, on connection: PostgresConnection) throws -> [Example] {
        try connection.query("""
            SELECT id, text, label, source, created_at FROM classification.training_examples
            WHERE set_name = $1 AND id > $2 ORDER BY id LIMIT $3
            """, [set, after, limit]).map(Example.init)
    }

    /// How many examples went.
    static func delete(set: String, in work: UnitOfWork) throws -> Int {
        try work.query("DELETE FROM classification.training_examples WHERE set_name = $1", [set]).affectedRows
    }

    static func delete(example id: Int64, in work: UnitOfWork) throws -> Bool {
        try work.query("DELETE FROM classification.training_examples WHERE id = $1", [id]).affectedRows == 1
    }
}
