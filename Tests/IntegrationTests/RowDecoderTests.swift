import Foundation
import KefuStorage
import Testing

/// Rows decode into `Decodable` types by column name, against the real server's text output.
@Suite("Rows decode by column name")
struct RowDecoderTests {
    struct Skills: Decodable, Equatable {
        let categories: [String]
    }

    enum Duty: String, Decodable { case on, off }

    struct Agent: Decodable, Equatable {
        let id: String
        let maxOpen: Int
        let rating: Double?
        let fieldEngineer: Bool
        let duty: Duty
        let lastAssignedAt: Date?
        let skills: Skills
        let token: UUID

        enum CodingKeys: String, CodingKey {
            case id, rating, duty, skills, token
            case maxOpen = "max_open"
            case fieldEngineer = "field_engineer"
            case lastAssignedAt = "last_assigned_at"
        }

        static func == (a: Agent, b: Agent) -> Bool { a.id == b.id && a.maxOpen == b.maxOpen && a.skills == b.skills }
    }

    private func rows(_ sql: String) async throws -> PostgresRows {
        let pool = try Stack.database("admin")
        defer { pool.shutdown() }
        return try await pool.withConnection { try $0.query(sql) }
    }

    @Test("each column decodes as its property's type, NULLs as nil, JSON columns as nested types")
    func decodes() async throws {
        let agents = try await rows("""
            SELECT 'li-na' AS id, 7 AS max_open, NULL::float8 AS rating, true AS field_engineer, 'on' AS duty,
                   timestamptz '2026-11-23 08:00:00.5+00' AS last_assigned_at, '{"categories": ["fault"]}'::jsonb::text AS skills,
                   '6f1c2a0e-0000-4000-8000-000000000001'::uuid AS token, 'ignored' AS extra
            UNION ALL
            SELECT 'wang', 3, 4.5, false, 'off', NULL, '{"categories": []}', '6f1c2a0e-0000-4000-8000-000000000002', ''
            """).decode(Agent.self)
        #expect(agents.count == 2)
        #expect(agents[0].id == "li-na" && agents[0].maxOpen == 7 && agents[0].rating == nil && agents[0].fieldEngineer)
        #expect(agents[0].duty == .on && agents[0].skills == Skills(categories: ["fault"]))
        #expect(agents[0].lastAssignedAt == Date(timeIntervalSince1970: 1_795_420_800.5))
        #expect(agents[1].rating == 4.5 && agents[1].duty == .off && agents[1].lastAssignedAt == nil)
    }

    @Test("a missing column, a NULL where a value is needed, or a wrong kind names the column and the type")
    func errorsNameTheColumn() async throws {
        struct Needs: Decodable { let count: Int }
        let cases: [(String, String)] = [
            ("SELECT 1 AS other", "column count is not in the result"),
            ("SELECT NULL::int AS count", "column count is NULL where Int is needed"),
            ("SELECT 'many' AS count", "column count is not Int"),
        ]
        for (sql, message) in cases {
            let result = try await rows(sql)
            #expect { try result.decode(Needs.self) } throws: { error in
                "\(error)".contains(message) && !"\(error)".contains("many")
            }
        }
    }
}
