import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The revisit and inspection schedule: list, move, cancel; and the inspection intervals per
/// product line.
enum VisitRoutes {
    struct View: Encodable, RowDecodable, Sendable {
        let id: String
        let customerID: String
        let kind: String
        let productModel: String?
        let productSerial: String?
        let deliveredOn: String?
        let months: Int
        let dueOn: String
        let status: String
        let movedFrom: String?
        let ticketNumber: String?
        let submittedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, kind, months, status
            case customerID = "customer_id"
            case productModel = "product_model"
            case productSerial = "product_serial"
            case deliveredOn = "delivered_on"
            case dueOn = "due_on"
            case movedFrom = "moved_from"
            case ticketNumber = "ticket_number"
            case submittedAt = "submitted_at"
        }

        static let columns = """
            id, customer_id, kind, product_model, product_serial, delivered_on::text AS delivered_on, months,
            due_on::text AS due_on, status, moved_from::text AS moved_from, ticket_number, submitted_at
            """
    }

    struct Move: Decodable, Sendable {
        var dueOn: String
        enum CodingKeys: String, CodingKey { case dueOn = "due_on" }
    }

    struct ProductLine: Codable, Sendable {
        var prefix: String?
        var intervalsMonths: [Int]
        enum CodingKeys: String, CodingKey {
            case prefix
            case intervalsMonths = "intervals_months"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/visits") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let query = request.uri.queryParameters
            var conditions = ["true"]
            var parameters: [(any PostgresEncodable)?] = []
            for (name, column) in [("customer", "customer_id"), ("status", "status"), ("kind", "kind")] {
                if let value = query.get(name) {
                    parameters.append(value)
                    conditions.append("\(column) = $\(parameters.count)")
                }
            }
            if let before = query.get("due_before") {
                guard VisitPlan.day(before) != nil else {
                    throw Problem.invalid([FieldError(field: "due_before", message: "must be a date, YYYY-MM-DD")])
                }
                parameters.append(before)
                conditions.append("due_on < $\(parameters.count)::date")
            }
            let sql = "SELECT \(View.columns) FROM survey.visits WHERE \(conditions.joined(separator: " AND ")) ORDER BY due_on, id LIMIT 1000"
            let values = parameters
            return try Response.json(try await runtime.read { try $0.query(sql, values).map(View.init) })
        }

        router.patch("/v1/visits/{id}") { request, context -> Response in
            try context.require(.supervise)
            let id = try visitID(context)
            let move = try await request.decodeJSON(Move.self)
            guard VisitPlan.day(move.dueOn) != nil else {
                throw Problem.invalid([FieldError(field: "/due_on", message: "must be a date, YYYY-MM-DD")])
            }
            return try Response.json(try await change(id, runtime: runtime, """
                UPDATE survey.visits SET moved_from = coalesce(moved_from, due_on), due_on = $2::date
                WHERE id = $1 AND status = 'scheduled' RETURNING \(View.columns)
                """, move.dueOn))
        }

        router.post("/v1/visits/{id}/cancel") { _, context -> Response in
            try context.require(.supervise)
            let id = try visitID(context)
            return try Response.json(try await change(id, runtime: runtime, """
                UPDATE survey.visits SET status = 'cancelled', cancelled_at = now()
                WHERE id = $1 AND status = 'scheduled' RETURNING \(View.columns)
                """, nil))
        }

        router.get("/v1/product-lines") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { connection in
                try connection.query("SELECT prefix, intervals_months::text AS intervals FROM survey.product_lines ORDER BY prefix").map {
                    ProductLine(prefix: try $0.require("prefix"), intervalsMonths: intervals(try $0.require("intervals")))
                }
            })
        }

        // The prefix "" (as `/v1/product-lines/*`) is the default line.
        router.put("/v1/product-lines/{prefix}") { request, context -> Response in
            try context.require(.admin)
            var prefix = try context.parameters.require("prefix")
            if prefix == "*" { prefix = "" }
            var line = try await request.decodeJSON(ProductLine.self)
            let bad = line.intervalsMonths.enumerated().filter { !(1...120).contains($0.element) }
            guard !line.intervalsMonths.isEmpty, bad.isEmpty else {
                throw Problem.invalid(line.intervalsMonths.isEmpty
                    ? [FieldError(field: "/intervals_months", message: "name at least one interval")]
                    : bad.map { FieldError(field: "/intervals_months/\($0.offset)", message: "must be 1 to 120 months") })
            }
            line.prefix = prefix
            line.intervalsMonths = Array(Set(line.intervalsMonths)).sorted()
            let saved = line, key = prefix
            try await runtime.transaction { connection in
                try connection.query("""
                    INSERT INTO survey.product_lines (prefix, intervals_months) VALUES ($1, $2)
                    ON CONFLICT (prefix) DO UPDATE SET intervals_months = excluded.intervals_months, updated_at = now()
                    """, [key, saved.intervalsMonths])
            }
            return try Response.json(saved)
        }
    }

    private static func change(_ id: UUID, runtime: ServiceRuntime, _ sql: String, _ value: String?) async throws -> View {
        let changed = try await runtime.read { connection -> View? in
            try connection.query(sql, value.map { [id, $0] } ?? [id]).first.map(View.init)
        }
        if let changed { return changed }
        let exists = try await runtime.read { try $0.query("SELECT 1 FROM survey.visits WHERE id = $1", [id]).count == 1 }
        guard exists else { throw Problem.notFound("visit \(id)") }
        throw Problem.conflict("Visit not scheduled", detail: "only a visit still scheduled can be moved or cancelled")
    }

    static func intervals(_ text: String) -> [Int] {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Int($0) }
    }

    private static func visitID(_ context: KefuRequestContext) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("visit \(text)") }
        return id
    }
}
