import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import Testing

@Suite("the customer archive: look-ups, changes, products, export and erasure")
struct CustomerArchiveTests {
    let intake: URL

    init() throws {
        intake = try Stack.url("intake")
    }

    /// A new customer with one ticket; returns the customer id, the phone's digits and the ticket.
    func newCustomer(product: [String: String]? = nil) async throws -> (id: String, digits: String, number: String) {
        let digits = String(format: "%08d", Int.random(in: 0..<100_000_000))
        var submission = phoneSubmission(unique("archive"))
        submission["customer"] = ["name": "王芳", "phone": "135 \(digits.prefix(4)) \(digits.suffix(4))",
                                  "external_id": unique("crm"), "tier": "standard"]
        if let product { submission["product"] = product }
        let reply = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: submission)
        let ticket = try reply.json()
        let number = try #require(ticket["number"] as? String)
        let id = try #require((ticket["customer"] as? [String: Any])?["id"] as? String)
        return (id, digits, number)
    }

    func customer(_ id: String, token: String? = Stack.adminToken) async throws -> HTTP.Reply {
        try await HTTP.get(intake.appending(path: "v1/customers/\(id)"), token: token)
    }

    @Test("found by id or by any written form of a contact point, with products and recent tickets")
    func lookUps() async throws {
        let created = try await newCustomer(product: ["model": "SYM5", "serial": unique("ZL"), "delivered_on": "2026-05-02"])
        let byID = try await customer(created.id).json()
        #expect(byID["name"] as? String == "王芳")
        #expect((byID["contact_points"] as? [[String: String]])?.contains(["kind": "phone", "value": "+86135\(created.digits)"]) == true)
        let products = try #require(byID["products"] as? [[String: Any]])
        #expect(products.first?["model"] as? String == "SYM5")
        #expect(products.first?["delivered_on"] as? String == "2026-05-02")
        #expect((byID["recent_tickets"] as? [[String: Any]])?.first?["number"] as? String == created.number)

        for phone in ["+86-135-\(created.digits.prefix(4))-\(created.digits.suffix(4))", "0086135\(created.digits)"] {
            let found = try await HTTP.get(intake.appending(path: "v1/customers").appending(queryItems: [.init(name: "phone", value: phone)]))
            #expect(try found.json()["id"] as? String == created.id)
        }
        let none = try await HTTP.get(intake.appending(path: "v1/customers").appending(queryItems: [.init(name: "email", value: "\(unique("no"))@example.com")]))
        #expect(none.status == 404)
        #expect(try await HTTP.get(intake.appending(path: "v1/customers")).status == 422)
        #expect(try await customer(UUID().uuidString).status == 404)
        #expect(try await customer("not-a-uuid").status == 404)
    }

    @Test("tier and contact data change; a contact point of another customer is refused; notification's copy follows")
    func changes() async throws {
        let created = try await newCustomer()
        let email = "\(unique("vip"))@example.com"
        let patched = try await HTTP.send("PATCH", intake.appending(path: "v1/customers/\(created.id)"),
                                          json: ["tier": "key", "emails": [email.uppercased()]])
        #expect(patched.status == 200)
        #expect(try patched.json()["tier"] as? String == "key")
        #expect((try patched.json()["contact_points"] as? [[String: String]])?.contains(["kind": "email", "value": email]) == true)

        let other = try await newCustomer()
        let clash = try await HTTP.send("PATCH", intake.appending(path: "v1/customers/\(other.id)"),
                                        json: ["phones": ["+86135\(created.digits)"]])
        #expect(clash.status == 409)
        #expect((try clash.json()["errors"] as? [[String: String]])?.first?["field"] == "/phones/0")
        let invalid = try await HTTP.send("PATCH", intake.appending(path: "v1/customers/\(other.id)"),
                                          json: ["tier": "gold", "emails": ["nope"]])
        #expect(invalid.status == 422)
        #expect((try invalid.json()["errors"] as? [[String: String]])?.compactMap { $0["field"] } == ["/tier", "/emails/0"])

        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let copied = try await eventually { () -> String? in
            try await admin.withConnection { connection in
                try connection.query("SELECT email FROM notification.contacts WHERE customer_id = $1", [created.id]).first?
                    .decode("email") as String?
            }.flatMap { $0 == email ? $0 : nil }
        }
        #expect(copied == email)
    }

    @Test("products are registered through the API and checked")
    func products() async throws {
        let created = try await newCustomer()
        let url = intake.appending(path: "v1/customers/\(created.id)/products")
        let added = try await HTTP.send("POST", url, json: ["model": "HBT60", "serial": "S-1", "delivered_on": "2026-01-15"])
        #expect(added.status == 201)
        #expect((try added.json()["products"] as? [[String: Any]])?.contains { $0["serial"] as? String == "S-1" } == true)
        #expect(try await HTTP.send("POST", url, json: ["delivered_on": "15/01/2026"]).status == 422)
        #expect(try await HTTP.send("POST", intake.appending(path: "v1/customers/\(UUID().uuidString)/products"),
                                    json: ["model": "X"]).status == 404)
    }

    @Test("export holds the customer and every ticket with its messages")
    func export() async throws {
        let created = try await newCustomer()
        let reply = try await HTTP.get(intake.appending(path: "v1/customers/\(created.id)/export"))
        #expect(reply.status == 200)
        #expect(reply.headers["Content-Disposition"]?.contains("attachment") == true)
        let export = try reply.json()
        #expect((export["customer"] as? [String: Any])?["id"] as? String == created.id)
        let tickets = try #require(export["tickets"] as? [[String: Any]])
        #expect(tickets.map { $0["number"] as? String } == [created.number])
        #expect(((tickets.first?["messages"] as? [[String: Any]])?.first?["body"] as? String)?.isEmpty == false)
    }

    @Test("erasure removes personal data, keeps the tickets, and reaches notification")
    func erasure() async throws {
        let created = try await newCustomer()
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        _ = try await eventually { () -> Bool? in
            try await admin.withConnection { connection in
                try connection.query("SELECT 1 FROM notification.contacts WHERE customer_id = $1", [created.id]).count == 1
                    && connection.query("SELECT 1 FROM classification.decisions WHERE ticket_number = $1", [created.number]).count == 1
                    ? true : nil
            }
        }

        let erased = try await HTTP.send("POST", intake.appending(path: "v1/customers/\(created.id)/erase"))
        #expect(erased.status == 200)
        let view = try erased.json()
        #expect(view["name"] == nil || view["name"] is NSNull)
        #expect((view["contact_points"] as? [Any])?.isEmpty == true)
        #expect(view["erased_at"] as? String != nil)

        let ticket = try await HTTP.get(intake.appending(path: "v1/tickets/\(created.number)")).json()
        #expect(ticket["number"] as? String == created.number)
        #expect((ticket["messages"] as? [[String: Any]])?.allSatisfy { $0["body"] as? String == "[erased]" } == true)

        let gone = try await eventually { () -> Bool? in
            try await admin.withConnection { connection in
                try connection.query("SELECT 1 FROM notification.contacts WHERE customer_id = $1", [created.id]).count == 0 ? true : nil
            }
        }
        #expect(gone == true)
        // Classification forgets the ticket's text too (it keeps texts to learn from).
        let forgotten = try await eventually { () -> Bool? in
            try await admin.withConnection { connection in
                try connection.query("SELECT 1 FROM classification.decisions WHERE ticket_number = $1 AND text IS NULL",
                                     [created.number]).count == 1 ? true : nil
            }
        }
        #expect(forgotten == true)
        #expect(try await HTTP.send("POST", intake.appending(path: "v1/customers/\(created.id)/erase")).status == 200)
        #expect(try await HTTP.send("PATCH", intake.appending(path: "v1/customers/\(created.id)"), json: ["tier": "vip"]).status == 409)

        // The same phone later is a new customer: nothing links back to the erased one.
        var submission = phoneSubmission(unique("after-erasure"))
        submission["customer"] = ["phone": "+86135\(created.digits)"]
        let again = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: submission).json()
        #expect((again["customer"] as? [String: Any])?["id"] as? String != created.id)
    }

    @Test("reading needs customers:read, changing customers:admin")
    func scopes() async throws {
        let created = try await newCustomer()
        #expect(try await customer(created.id, token: try Stack.token(.agent)).status == 200)
        #expect(try await customer(created.id, token: try Stack.token(.integrator)).status == 403)
        let patch = try await HTTP.send("PATCH", intake.appending(path: "v1/customers/\(created.id)"), json: ["tier": "vip"],
                                        token: try Stack.token(.agent))
        #expect(patch.status == 403)
        let erase = try await HTTP.send("POST", intake.appending(path: "v1/customers/\(created.id)/erase"),
                                        token: try Stack.token(.agent, scopes: [.customersRead, .customersAdmin]))
        #expect(erase.status == 200)
    }
}
