import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// How to reach agents and supervisors, by the ids dispatch knows them by.
enum StaffRoutes {
    struct Member: Codable, Sendable {
        var id: String?
        var name: String?
        var email: String?
        var phone: String?
        var language: String?
        /// `email` or `sms`; email when there is an address, else SMS, when left out.
        var channel: String?

        func problems(at prefix: String) -> [FieldError] {
            ContactPreferences(channel: channel, language: language).problems(at: prefix)
                + (email.map { Submission.looksLikeEmail($0) } == false
                    ? [FieldError(field: "\(prefix)/email", message: "must be an email address")] : [])
                + (email == nil && phone == nil ? [FieldError(field: "\(prefix)/email", message: "give an email address or a phone number")] : [])
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/staff") { _, context -> Response in
            try context.require(.admin)
            return try Response.json(try await runtime.read { connection in
                try connection.query("SELECT id, name, email, phone, language, channel FROM notification.staff ORDER BY id").map {
                    Member(id: try $0.require("id"), name: try $0.decode("name"), email: try $0.decode("email"),
                           phone: try $0.decode("phone"), language: try $0.decode("language"), channel: try $0.decode("channel"))
                }
            })
        }

        // The whole directory or part of it, as a JSON array; all or nothing.
        router.post("/v1/staff") { request, context -> Response in
            try context.require(.admin)
            let members = try await request.decodeJSON([Member].self)
            var errors: [FieldError] = []
            for (index, member) in members.enumerated() {
                if (member.id ?? "").isEmpty { errors.append(FieldError(field: "/\(index)/id", message: "is required")) }
                errors += member.problems(at: "/\(index)")
            }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            try await runtime.transaction { work in
                for member in members { try save(member, id: member.id!, in: work.connection) }
            }
            return try Response.json(["saved": members.count])
        }

        router.put("/v1/staff/{id}") { request, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id")
            var member = try await request.decodeJSON(Member.self)
            let errors = member.problems(at: "")
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            member.id = id
            let saved = member
            try await runtime.read { try save(saved, id: id, in: $0) }
            return try Response.json(saved)
        }

        router.delete("/v1/staff/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id")
            guard try await runtime.transaction({ try $0.query("DELETE FROM notification.staff WHERE id = $1", [id]).affectedRows == 1 })
            else { throw Problem.notFound("staff member \(id)") }
            return Response(status: .noContent)
        }
    }

    private static func save(_ member: Member, id: String, in connection: PostgresConnection) throws {
        try connection.query("""
            INSERT INTO notification.staff (id, name, email, phone, language, channel) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
                language = excluded.language, channel = excluded.channel, updated_at = now()
            """, [id, member.name, member.email, member.phone, member.language, member.channel])
    }
}
