import Foundation
import KefuContracts
import KefuStorage
import Testing

/// Routine inspections and revisits: scheduled from delivery dates, firing as proactive tickets.
@Suite("Survey: inspections and revisits", .serialized)
struct VisitTests {
    let survey: URL
    let intake: URL

    init() async throws {
        survey = try Stack.url("survey")
        intake = try Stack.url("intake")
        _ = try await HTTP.send("POST", try Stack.url("dispatch").appending(path: "v1/agents"),
                                json: ["id": unique("agent"), "name": "Visit Test Agent", "max_open": 100_000, "daily_cap": 100_000])
    }

    static func day(monthsAgo months: Int, daysAgo days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(byAdding: .day, value: -days, to: calendar.date(byAdding: .month, value: -months, to: Date())!)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// A customer who owns `model`, delivered on `deliveredOn`.
    func customer(with model: String, deliveredOn: String) async throws -> String {
        let ticket = try await Kefu.submit(customer: ["phone": NotificationSMSTests.phone()])
        let registered = try await HTTP.send("POST", intake.appending(path: "v1/customers/\(ticket.customerID)/products"),
                                             json: ["model": model, "serial": unique("SN"), "delivered_on": deliveredOn])
        #expect(registered.status == 201)
        return ticket.customerID
    }

    func visits(of customer: String) async throws -> [[String: Any]] {
        try await HTTP.get(survey.appending(path: "v1/visits").appending(queryItems: [.init(name: "customer", value: customer)])).jsonArray()
    }

    @Test("a delivered product gets inspections at 1, 3, 6 and 12 months and a yearly revisit; the due one opens a ticket that reaches dispatch")
    func dueInspection() async throws {
        let customer = try await customer(with: "SY365", deliveredOn: Self.day(monthsAgo: 1, daysAgo: 2))
        let scheduled = try #require(try await eventually { () -> [[String: Any]]? in
            let found = try await visits(of: customer)
            return found.count >= 5 ? found : nil
        })
        #expect(scheduled.filter { $0["kind"] as? String == "inspection" }.compactMap { $0["months"] as? Int }.sorted() == [1, 3, 6, 12])
        #expect(scheduled.first { $0["kind"] as? String == "revisit" }?["months"] as? Int == 12)
        let fired = try #require(try await eventually(timeout: .seconds(60)) { () -> [String: Any]? in
            try await visits(of: customer).first { $0["months"] as? Int == 1 && $0["ticket_number"] is String }
        })
        #expect(fired["status"] as? String == "submitted")
        let number = try #require(fired["ticket_number"] as? String)
        let ticket = try await HTTP.get(intake.appending(path: "v1/tickets/\(number)")).json()
        #expect(ticket["channel"] as? String == "revisit")
        #expect((ticket["subject"] as? String)?.contains("定期巡检") == true)
        let dispatched = try await eventually { () -> String? in
            let reply = try await HTTP.get(try Stack.url("dispatch").appending(path: "v1/tickets/\(number)"))
            let status = (try? reply.json())?["status"] as? String
            return ["assigned", "queued"].contains(status ?? "") ? status : nil
        }
        #expect(dispatched != nil)
        #expect(try await visits(of: customer).filter { $0["status"] as? String == "submitted" }.count == 1)
    }

    @Test("product lines set the intervals; a visit can be moved and cancelled, and a cancelled one never fires")
    func moveAndCancel() async throws {
        let line = "ZX\(Int.random(in: 1000...9999))"
        #expect(try await HTTP.send("PUT", survey.appending(path: "v1/product-lines/\(line)"), json: ["intervals_months": [2, 24]]).status == 200)
        let bad = try await HTTP.send("PUT", survey.appending(path: "v1/product-lines/\(line)"), json: ["intervals_months": [0, 500]])
        #expect(bad.status == 422 && String(decoding: bad.body, as: UTF8.self).contains("/intervals_months/1"))
        let customer = try await customer(with: "\(line)-100", deliveredOn: Self.day(monthsAgo: 0, daysAgo: 0))
        let inspections = try #require(try await eventually { () -> [[String: Any]]? in
            let found = try await visits(of: customer).filter { $0["kind"] as? String == "inspection" }
            return found.count == 2 ? found : nil
        })
        #expect(inspections.compactMap { $0["months"] as? Int }.sorted() == [2, 24])
        let first = try #require(inspections.first { $0["months"] as? Int == 2 }?["id"] as? String)
        let second = try #require(inspections.first { $0["months"] as? Int == 24 }?["id"] as? String)
        let moved = try await HTTP.send("PATCH", survey.appending(path: "v1/visits/\(first)"), json: ["due_on": "2099-01-15"])
        #expect(moved.status == 200)
        #expect(try moved.json()["due_on"] as? String == "2099-01-15" && (try moved.json()["moved_from"] as? String) != nil)
        #expect(try await HTTP.send("PATCH", survey.appending(path: "v1/visits/\(first)"), json: ["due_on": "soon"]).status == 422)
        // Cancelled, then moved into the past: it stays cancelled and never fires.
        #expect(try await HTTP.send("POST", survey.appending(path: "v1/visits/\(second)/cancel")).status == 200)
        #expect(try await HTTP.send("PATCH", survey.appending(path: "v1/visits/\(second)"), json: ["due_on": "2020-01-01"]).status == 409)
        #expect(try await HTTP.send("POST", survey.appending(path: "v1/visits/\(UUID())/cancel")).status == 404)
        #expect(try await HTTP.send("PATCH", survey.appending(path: "v1/visits/\(first)"), json: ["due_on": "2000-01-01"]).status == 200)
        let fired = try await eventually { try await visits(of: customer).first { $0["id"] as? String == first && $0["ticket_number"] is String } }
        #expect(fired != nil)
        #expect(try await visits(of: customer).first { $0["id"] as? String == second }?["status"] as? String == "cancelled")
    }

    @Test("with two replicas sweeping, each due visit fires exactly once")
    func exactlyOnce() async throws {
        try await withServicesToMyself {
            try await Stack.service("start", "survey@2")
            do {
                var customers: [String] = []
                for _ in 0..<8 { customers.append(try await customer(with: "EX1", deliveredOn: Self.day(monthsAgo: 1, daysAgo: 1))) }
                let fired = try await eventually(timeout: .seconds(60)) { () -> [[String: Any]]? in
                    var due: [[String: Any]] = []
                    for customer in customers {
                        due += try await visits(of: customer).filter { $0["months"] as? Int == 1 && $0["ticket_number"] is String }
                    }
                    return due.count == customers.count ? due : nil
                }
                #expect(fired?.count == customers.count)
                let admin = try Stack.database("admin")
                defer { admin.shutdown() }
                for visit in fired ?? [] {
                    let id = try #require(visit["id"] as? String)
                    let published = try await admin.withConnection {
                        try $0.query("SELECT count(*) AS n FROM survey.outbox WHERE message_id = $1", ["revisit-\(id)"]).first!
                            .require("n", as: Int.self)
                    }
                    #expect(published == 1)
                    let tickets = try await admin.withConnection {
                        try $0.query("SELECT count(*) AS n FROM intake.tickets WHERE submission_id = $1", ["revisit-\(id)"]).first!
                            .require("n", as: Int.self)
                    }
                    #expect(tickets == 1)
                }
            } catch {
                try? await Stack.service("stop", "survey@2")
                throw error
            }
            try await Stack.service("stop", "survey@2")
        }
    }
}
