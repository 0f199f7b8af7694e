import Foundation
import KefuContracts
import KefuServiceKit
import Testing

@Suite("every HTTP API checks bearer tokens, scopes and rate limits")
struct AuthTests {
    let tickets: URL

    init() throws {
        tickets = try Stack.url("intake").appending(path: "v1/tickets")
    }

    func submission() -> [String: Any] { phoneSubmission(unique("auth")) }

    @Test("no token, a forged token and an expired token are 401 on every service")
    func unauthenticated() async throws {
        let urls = try [tickets, Stack.url("dispatch").appending(path: "v1/agents"),
                        Stack.url("classification").appending(path: "v1/decisions/KF-20261123-000001"),
                        Stack.url("notification").appending(path: "v1/notifications").appending(queryItems: [.init(name: "ticket", value: "x")]),
                        Stack.url("survey").appending(path: "v1/surveys").appending(queryItems: [.init(name: "ticket", value: "x")])]
        let forged = try #require(TokenSigner(secret: String(repeating: "k", count: 40)))
            .sign(AccessToken(subject: "intruder", role: .admin, lifetime: .seconds(600)))
        let expired = try Stack.token(.admin, lifetime: .seconds(3600), issuedAt: Date().addingTimeInterval(-7200))
        for url in urls {
            let missing = try await HTTP.get(url, token: nil)
            #expect(missing.status == 401, "\(url.path)")
            #expect(missing.headers["Www-Authenticate"]?.hasPrefix("Bearer") == true || missing.headers["WWW-Authenticate"] != nil)
            #expect(missing.contentType?.hasPrefix("application/problem+json") == true)
            #expect(try await HTTP.get(url, token: forged).status == 401)
            #expect(try await HTTP.get(url, token: "not.a.jwt").status == 401)
        }
        let answer = try await HTTP.get(tickets, token: expired)
        #expect(answer.status == 401)
        #expect(try answer.json()["detail"] as? String == "the bearer token has expired")
    }

    @Test("health stays open, and metrics are open to loopback callers")
    func openEndpoints() async throws {
        let intake = try Stack.url("intake")
        #expect(try await HTTP.get(intake.appending(path: "health/live"), token: nil).status == 200)
        #expect(try await HTTP.get(intake.appending(path: "health/ready"), token: nil).status == 200)
        #expect(try await HTTP.get(intake.appending(path: "metrics"), token: nil).status == 200)
    }

    @Test("a token without the endpoint's scope is 403")
    func wrongScope() async throws {
        let agent = try Stack.token(.agent)
        let integrator = try Stack.token(.integrator)
        let readOnly = try Stack.token(.integrator, scopes: [.ticketsRead])
        #expect(try await HTTP.send("POST", tickets, json: submission(), token: agent).status == 403)
        #expect(try await HTTP.send("POST", tickets, json: submission(), token: readOnly).status == 403)
        let agents = try Stack.url("dispatch").appending(path: "v1/agents")
        let denied = try await HTTP.send("POST", agents, json: ["name": "x"], token: integrator)
        #expect(denied.status == 403)
        #expect(try denied.json()["detail"] as? String == "the token's scopes do not allow this (needs admin)")
        #expect(try await HTTP.get(agents, token: integrator).status == 403)
        #expect(try await HTTP.get(agents, token: agent).status == 200)
        let decision = try Stack.url("classification").appending(path: "v1/decisions/KF-20261123-000001")
        #expect(try await HTTP.get(decision, token: integrator).status == 403)
        #expect(try await HTTP.get(try Stack.url("intake").appending(path: "v1/rejected-submissions"), token: agent).status == 403)
    }

    @Test("a submit-only token (the help centre's) submits a ticket and can do nothing else")
    func submitOnly() async throws {
        let submitOnly = try Stack.token(.integrator, subject: unique("help-centre"), scopes: [.ticketsSubmit])
        let created = try await HTTP.send("POST", tickets, json: submission(), token: submitOnly)
        #expect(created.status == 201)
        let number = try #require(try created.json()["number"] as? String)
        let intake = try Stack.url("intake")
        #expect(try await HTTP.get(intake.appending(path: "v1/tickets/\(number)"), token: submitOnly).status == 403)
        #expect(try await HTTP.get(intake.appending(path: "v1/tickets"), token: submitOnly).status == 403)
        let mail = try await HTTP.send("POST", intake.appending(path: "v1/inbound/email"),
                                       body: Data("From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n".utf8),
                                       contentType: "message/rfc822", token: submitOnly)
        #expect(mail.status == 403)
        let sms = try await HTTP.send("POST", try Stack.url("survey").appending(path: "v1/inbound/sms"),
                                      json: ["from": "+8613800000000", "text": "5"], token: submitOnly)
        #expect(sms.status == 403)
        // tickets:write still submits, as it always did.
        #expect(try await HTTP.send("POST", tickets, json: submission(), token: try Stack.token(.integrator)).status == 201)
    }

    @Test("an integrator reads only the tickets it submitted; submission ids are its own")
    func twoIntegrators() async throws {
        let first = try Stack.token(.integrator, subject: unique("gateway-a"))
        let second = try Stack.token(.integrator, subject: unique("gateway-b"))
        var body = submission()
        let created = try await HTTP.send("POST", tickets, json: body, token: first)
        #expect(created.status == 201)
        let number = try #require(try created.json()["number"] as? String)

        #expect(try await HTTP.get(tickets.appending(path: number), token: first).status == 200)
        #expect(try await HTTP.get(tickets.appending(path: number), token: second).status == 404)
        #expect(try await HTTP.get(tickets.appending(path: number)).status == 200, "the admin reads everything")
        let firstList = try await HTTP.get(tickets, token: first).json()["items"] as? [[String: Any]] ?? []
        let secondList = try await HTTP.get(tickets, token: second).json()["items"] as? [[String: Any]] ?? []
        #expect(firstList.compactMap { $0["number"] as? String } == [number])
        #expect(secondList.isEmpty)

        // The same submission id from another integrator is another submission.
        let again = try await HTTP.send("POST", tickets, json: body, token: second)
        #expect(again.status == 201)
        #expect(try again.json()["number"] as? String != number)
        body["body"] = "repeat"
        let repeated = try await HTTP.send("POST", tickets, json: body, token: first)
        #expect(repeated.status == 200)
        #expect(try repeated.json()["number"] as? String == number)
    }

    @Test("a token over its rate gets 429 with Retry-After")
    func rateLimit() async throws {
        let slow = try Stack.token(.integrator, rate: 1)
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<5 {
            let answer = try await HTTP.get(tickets, token: slow)
            statuses.append(answer.status)
            if answer.status == 429 { retryAfter = answer.headers["Retry-After"] }
        }
        #expect(statuses.prefix(2) == [200, 200], "a burst of two seconds' worth is allowed")
        #expect(statuses.contains(429))
        #expect(retryAfter == "1")
        // Other tokens are not slowed down by it.
        #expect(try await HTTP.get(tickets, token: try Stack.token(.integrator)).status == 200)
    }
}
