import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// `GET /v1/tickets`: filters, newest first, and an opaque cursor for the next page. `numbers`
/// looks up a batch of tickets at once; `q` searches (see `TicketQuery+Search.swift`).
struct TicketQuery: Sendable {
    struct Summary: Codable, RowDecodable, Sendable {
        let number: String
        let status: String
        let channel: String
        let subject: String?
        let category: String?
        let priority: String?
        let agentID: String?
        let customerID: String
        let customerName: String?
        let customerTier: String
        let createdAt: Date
        let updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case number, status, channel, subject, category, priority
            case agentID = "agent_id"
            case customerID = "customer_id"
            case customerName = "customer_name"
            case customerTier = "customer_tier"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }

    var status: String?
    var channel: String?
    var customerID: UUID?
    var category: String?
    var createdFrom: Date?
    var createdTo: Date?
    var limit = 50
    var after: (time: String, number: String)?
    /// Only these tickets (at most `maximumLimit`).
    var numbers: [String]?
    /// Words, a ticket number, a phone number or an e-mail address.
    var search: Search?
    /// Only this integrator's tickets.
    var integrator: String?

    static let maximumLimit = 200

    /// Reads the query string; every bad parameter is named in one 422.
    init(_ query: (String) -> String?, integrator: String?) throws {
        self.integrator = integrator
        var errors: [FieldError] = []
        status = query("status")
        channel = query("channel")
        if let channel, Submission.Channel(rawValue: channel) == nil {
            errors.append(FieldError(field: "channel", message: "must be one of \(Submission.Channel.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        category = query("category")
        if let text = query("customer") {
            customerID = UUID(uuidString: text)
            if customerID == nil { errors.append(FieldError(field: "customer", message: "must be a customer id (UUID)")) }
        }
        for (name, keyPath) in [("created_from", \TicketQuery.createdFrom), ("created_to", \TicketQuery.createdTo)] {
            guard let text = query(name) else { continue }
            guard let date = RFC3339.parse(text) else {
                errors.append(FieldError(field: name, message: "must be an RFC 3339 timestamp"))
                continue
            }
            self[keyPath: keyPath] = date
        }
        if let text = query("limit") {
            if let value = Int(text), (1...Self.maximumLimit).contains(value) { limit = value } else {
                errors.append(FieldError(field: "limit", message: "must be a whole number from 1 to \(Self.maximumLimit)"))
            }
        }
        if let text = query("numbers") {
            let list = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if list.isEmpty || list.count > Self.maximumLimit {
                errors.append(FieldError(field: "numbers", message: "must list 1 to \(Self.maximumLimit) ticket numbers, comma-separated"))
            }
            numbers = list
        }
        if let text = query("q") {
            search = Search(text)
            if search == nil { errors.append(FieldError(field: "q", message: "must be 1 to 200 characters")) }
        }
        if let text = query("cursor") {
            after = Self.decodeCursor(text)
            if after == nil { errors.append(FieldError(field: "cursor", message: "is not a cursor this API gave out")) }
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
    }

    init(_ parameters: some Sequence<(key: Substring, value: Substring)>, integrator: String?) throws {
        var values: [String: String] = [:]
        for (key, value) in parameters where !value.isEmpty { values[String(key)] = String(value) }
        try self.init({ values[$0] }, integrator: integrator)
    }

    func run(on connection: PostgresConnection) throws -> Page<Summary> {
        let parameters: [(any PostgresEncodable)?] = [
            status, channel, customerID, category, createdFrom, createdTo, integrator, after?.time, after?.number, limit + 1,
            numbers, search?.pattern, search?.number, search?.phone, search?.email,
        ]
        let rows = Array(try connection.query("""
            SELECT t.number, t.status, t.channel, t.subject, t.category, t.priority, t.agent_id,
                   t.customer_id::text AS customer_id, c.name AS customer_name, c.tier AS customer_tier,
                   t.created_at, t.updated_at, t.created_at::text AS cursor_time
            FROM intake.tickets t JOIN intake.customers c ON c.id = t.customer_id
            WHERE ($1::text IS NULL OR t.status = $1) AND ($2::text IS NULL OR t.channel = $2)
              AND ($3::uuid IS NULL OR t.customer_id = $3) AND ($4::text IS NULL OR t.category = $4)
              AND ($5::timestamptz IS NULL OR t.created_at >= $5) AND ($6::timestamptz IS NULL OR t.created_at < $6)
              AND ($7::text IS NULL OR t.integrator = $7)
              AND ($8::timestamptz IS NULL OR (t.created_at, t.number) < ($8::timestamptz, $9::text))
              AND ($11::text[] IS NULL OR t.number = ANY ($11::text[]))
              AND ($12::text IS NULL OR \(Search.condition))
            ORDER BY t.created_at DESC, t.number DESC
            LIMIT $10
            """, parameters))
        let items = try rows.prefix(limit).map(Summary.init)
        var next: String?
        if rows.count > limit, let last = rows.prefix(limit).last {
            next = Self.encodeCursor(time: try last.require("cursor_time"), number: try last.require("number"))
        }
        return Page(items: items, nextCursor: next)
    }

    /// The database's own text for the timestamp keeps its microseconds, so no row is skipped.
    static func encodeCursor(time: String, number: String) -> String {
        Data("\(time)|\(number)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func decodeCursor(_ text: String) -> (time: String, number: String)? {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, Date(postgresText: String(parts[0])) != nil else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}
