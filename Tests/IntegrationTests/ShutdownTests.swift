import Foundation
import KefuContracts
import KefuStorage
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Operations: graceful shutdown, health and metrics", .serialized)
struct ShutdownTests {
    @Test("SIGTERM mid-flow: dispatch finishes its batch, flushes its outbox and exits; nothing is lost")
    func gracefulShutdown() async throws {
        try await withServicesToMyself {
            let count = 300
            _ = try await HTTP.send("POST", try Stack.url("dispatch").appending(path: "v1/agents"),
                                    json: ["id": unique("term-agent"), "name": "Shutdown Test Agent", "max_open": 1_000_000,
                                           "daily_cap": 1_000_000])
            let dispatchDB = try Stack.database("dispatch")
            let assignments = { @Sendable () async throws -> Int in
                try await dispatchDB.withConnection { try $0.query("SELECT count(*) AS n FROM dispatch.assignments").first!.require("n") }
            }
            let baseline = try await assignments()
            let gateway = try await Gateway()
            defer { gateway.close() }
            let prefix = unique("term")
            try await gateway.submit((0..<count).map { phoneSubmission("\(prefix)-\($0)") })
            _ = try await eventually { try await assignments() > baseline ? true : nil }

            let pid = try Stack.pid(of: "dispatch")
            kill(pid, SIGTERM)
            let exited = try await eventually(timeout: .seconds(20)) { kill(pid, 0) != 0 ? true : nil }
            #expect(exited == true, "dispatch exits within 20 s of SIGTERM")
            let unpublished = try await dispatchDB.withConnection { connection in
                try connection.query("SELECT count(*) AS n FROM dispatch.outbox WHERE published_at IS NULL").first!.require("n", as: Int.self)
            }
            #expect(unpublished == 0, "the relay flushed the outbox before exiting")

            try await Stack.service("start", "dispatch")
            let replies = try await gateway.replies(count: count)
            let numbers = Array(Set(replies.values.compactMap(\.ticketNumber)))
            #expect(numbers.count == count)
            let assigned = try await eventually(timeout: .seconds(60)) { () -> Int? in
                let n = try await dispatchDB.withConnection { connection in
                    try connection.query("SELECT count(DISTINCT ticket_number) AS n FROM dispatch.assignments WHERE ticket_number = ANY($1)",
                                         [numbers]).first!.require("n", as: Int.self)
                }
                return n == count ? n : nil
            }
            #expect(assigned == count)
        }
    }

    @Test("every service answers /health/live, /health/ready and /metrics", arguments: [
        "intake", "classification", "dispatch", "notification", "survey", "console",
    ])
    func operationalEndpoints(_ service: String) async throws {
        let base = try Stack.url(service)
        #expect(try await HTTP.get(base.appending(path: "health/live")).status == 200)
        let ready = try await eventually { () -> Int? in
            let status = try await HTTP.get(base.appending(path: "health/ready")).status
            return status == 200 ? status : nil
        }
        #expect(ready == 200)
        let metrics = try await HTTP.get(base.appending(path: "metrics"))
        #expect(metrics.status == 200)
        let text = String(decoding: metrics.body, as: UTF8.self)
        // Survey has seen no message unless a ticket was resolved; the console publishes nothing.
        if service != "survey" && service != "console" {
            #expect(text.contains("kefu_messages_processed_total"))
            #expect(text.contains("kefu_outbox_published_total"))
        }
    }
}
