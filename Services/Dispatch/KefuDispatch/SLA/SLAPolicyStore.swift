import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The SLA policies in dispatch's schema: the body as the API sends it, the id kept by the table.
enum SLAPolicyStore {
    static func all(on connection: PostgresConnection) throws -> [SLAPolicy] {
        try connection.query("SELECT id, body::text AS body FROM dispatch.sla_policies ORDER BY id").map { row in
            var policy = try row.json("body", as: SLAPolicy.self)
            policy.id = try row.require("id")
            return policy
        }
    }

    /// Stores a new policy; its id.
    static func insert(_ policy: SLAPolicy, in work: UnitOfWork) throws -> Int {
        var body = policy
        body.id = nil
        return try work.query("INSERT INTO dispatch.sla_policies (body) VALUES ($1::jsonb) RETURNING id",
                              [String(decoding: try KefuJSON.encode(body), as: UTF8.self)]).first!.require("id")
    }

    /// False when there was no such policy.
    static func delete(_ id: Int, in work: UnitOfWork) throws -> Bool {
        try work.query("DELETE FROM dispatch.sla_policies WHERE id = $1", [id]).affectedRows == 1
    }
}
