import Foundation
import KefuContracts
import KefuStorage
import Testing

@Suite("ticket numbers and idempotency with two intake replicas", .serialized)
struct TicketNumberTests {
    /// Replica 2 of a service listens 100 ports above replica 1 (see `deploy/kefu`).
    func replicaURL(_ replica: Int) throws -> URL {
        var components = URLComponents(url: try Stack.url("intake"), resolvingAgainstBaseURL: false)!
        components.port = components.port! + 100 * (replica - 1)
        return components.url!
    }

    func processed(by replica: Int) async throws -> Double {
        let metrics = String(decoding: try await HTTP.get(try replicaURL(replica).appending(path: "metrics")).body, as: UTF8.self)
        return metrics.split(separator: "\n")
            .filter { $0.hasPrefix("kefu_messages_processed_total") && $0.contains("intake.submissions") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test("numbers stay unique and every submission makes one ticket under concurrent load on 2 replicas")
    func twoReplicas() async throws {
        try await withServicesToMyself {
            try await Stack.service("start", "intake@2")
            do {
                try await run()
            } catch {
                try? await Stack.service("stop", "intake@2")
                throw error
            }
            try await Stack.service("stop", "intake@2")
        }
    }

    private func run() async throws {
        let before = try await processed(by: 2)
        let gateway = try await Gateway()
        defer { gateway.close() }

        // AMQP: 600 submissions, each published twice so both replicas can hold copies at once.
        let amqpIDs = (0..<600).map { _ in unique("replicas") }
        let submissions = amqpIDs.map { phoneSubmission($0) }
        try await gateway.submit(submissions + submissions.shuffled())

        // HTTP: 60 submissions, each posted to both replicas at the same moment.
        let httpIDs = (0..<60).map { _ in unique("replicas-http") }
        let httpNumbers = try await withThrowingTaskGroup(of: (String, Int, String?).self) { group in
            for id in httpIDs {
                let body = try JSONSerialization.data(withJSONObject: phoneSubmission(id))
                for replica in [1, 2] {
                    let url = try replicaURL(replica).appending(path: "v1/tickets")
                    group.addTask {
                        let reply = try await HTTP.send("POST", url, body: body)
                        return (id, reply.status, try reply.json()["number"] as? String)
                    }
                }
            }
            var answers: [String: [(Int, String?)]] = [:]
            for try await (id, status, number) in group { answers[id, default: []].append((status, number)) }
            return answers
        }
        for id in httpIDs {
            let answers = try #require(httpNumbers[id])
            #expect(answers.map(\.0).sorted() == [200, 201], "one copy creates, the other finds it")
            #expect(Set(answers.map(\.1)).count == 1, "both copies name the same ticket")
        }

        let replies = try await gateway.replies(count: amqpIDs.count, timeout: .seconds(120))
        #expect(replies.count == amqpIDs.count)
        #expect(try await processed(by: 2) > before, "replica 2 took part")

        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let allIDs = amqpIDs + httpIDs
        let (tickets, distinctNumbers, malformed) = try await admin.withConnection { connection in
            let row = try connection.query("""
                SELECT count(*) AS tickets, count(DISTINCT number) AS numbers,
                       count(*) FILTER (WHERE number !~ '^KF-[0-9]{8}-[0-9]{6,}$') AS malformed
                FROM intake.tickets WHERE submission_id = ANY($1)
                """, [allIDs]).first!
            return (try row.require("tickets", as: Int.self), try row.require("numbers", as: Int.self),
                    try row.require("malformed", as: Int.self))
        }
        #expect(tickets == allIDs.count, "one ticket per submission, none twice")
        #expect(distinctNumbers == allIDs.count)
        #expect(malformed == 0)
        let duplicateNumbers = try await admin.withConnection { connection in
            try connection.query("SELECT count(*) - count(DISTINCT number) AS n FROM intake.tickets").first!
                .require("n", as: Int.self)
        }
        #expect(duplicateNumbers == 0, "no number was ever handed out twice")
    }
}
