import Foundation
import KefuContracts
import Testing

@Suite("intake finds the customer by any contact point", .serialized)
struct CustomerMatchingTests {
    func customerID(of number: String) async throws -> String? {
        (try await HTTP.get(try Stack.url("intake").appending(path: "v1/tickets/\(number)")).json()["customer"] as? [String: Any])?["id"] as? String
    }

    @Test("phone only, then phone and email, then email only: one customer")
    func mergesContactPoints() async throws {
        let tickets = try Stack.url("intake").appending(path: "v1/tickets")
        let digits = String(format: "%08d", Int.random(in: 0..<100_000_000))
        let email = "\(unique("merge"))@example.com"
        func submit(_ customer: [String: String]) async throws -> String {
            let reply = try await HTTP.send("POST", tickets, json: [
                "submission_id": unique("merge"), "channel": "web", "customer": customer, "body": "咨询保养周期",
            ])
            #expect(reply.status == 201)
            return try #require(try reply.json()["number"] as? String)
        }
        let first = try await submit(["phone": "139 \(digits.prefix(4)) \(digits.suffix(4))"])
        let second = try await submit(["phone": "+86-139-\(digits.prefix(4))-\(digits.suffix(4))", "email": email.uppercased()])
        let third = try await submit(["email": email])
        let ids = try await [customerID(of: first), customerID(of: second), customerID(of: third)]
        #expect(ids[0] != nil)
        #expect(Set(ids).count == 1)
    }

    @Test("two submissions of one new customer in the same AMQP batch: one customer")
    func sameBatch() async throws {
        let gateway = try await Gateway()
        defer { gateway.close() }
        let phone = "+86137" + String(format: "%08d", Int.random(in: 0..<100_000_000))
        let ids = [unique("batch"), unique("batch")]
        try await gateway.submit(ids.map { id in
            var submission = phoneSubmission(id)
            submission["customer"] = ["phone": phone, "tier": "key"]
            return submission
        })
        let replies = try await gateway.replies(count: 2)
        let numbers = try ids.map { try #require(replies[$0]?.ticketNumber) }
        #expect(Set(numbers).count == 2)
        let customers = try await [customerID(of: numbers[0]), customerID(of: numbers[1])]
        #expect(customers[0] != nil)
        #expect(customers[0] == customers[1])
    }
}
