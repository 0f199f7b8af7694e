import Foundation
import KefuContracts
import KefuStorage
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Crashes lose and duplicate nothing", .serialized)
struct CrashTests {
    @Test("1,000 submissions while classification, then dispatch, are killed with SIGKILL and restarted")
    func killAndRestart() async throws {
        try await withServicesToMyself {
            let count = Int(ProcessInfo.processInfo.environment["KEFU_CRASH_COUNT"] ?? "") ?? 1000
            _ = try await HTTP.send("POST", try Stack.url("dispatch").appending(path: "v1/agents"),
                                    json: ["id": unique("crash-agent"), "name": "Crash Test Agent", "max_open": 1_000_000,
                                           "daily_cap": 1_000_000])
            let dispatchDB = try Stack.database("dispatch")
            let intakeDB = try Stack.database("intake")
            let assignments = { @Sendable () async throws -> Int in
                try await dispatchDB.withConnection { try $0.query("SELECT count(*) AS n FROM dispatch.assignments").first!.require("n") }
            }
            let baseline = try await assignments()

            let monitor = try await EventMonitor(bindingKey: "ticket.assigned")
            defer { monitor.close() }
            // Other suites' tickets are assigned meanwhile: only this test's count, once they are known.
            let ours = Mutex<Set<String>?>(nil)
            let watching = Task {
                try await monitor.collect(timeout: .seconds(240)) { events in
                    guard let numbers = ours.withLock({ $0 }) else { return false }
                    return Set(events.compactMap(\.subject)).intersection(numbers).count >= count
                }
            }
            let gateway = try await Gateway()
            defer { gateway.close() }
            let prefix = unique("crash")
            let ids = (0..<count).map { "\(prefix)-\($0)" }
            let submitting = Task { try await gateway.submit(ids.map { phoneSubmission($0) }) }

            for service in ["classification", "dispatch"] {
                // Kill while tickets are still moving: soon after this service's work is visible again.
                let before = try await assignments()
                _ = try await eventually(timeout: .seconds(60)) {
                    let now = try await assignments()
                    return now > before + 10 || now >= baseline + count ? true : nil
                }
                kill(try Stack.pid(of: service), SIGKILL)
                try await Task.sleep(for: .milliseconds(300))
                try await Stack.service("start", service)
                progress("restarted \(service)")
            }
            try await submitting.value

            progress("submitted")
            let replies = try await gateway.replies(count: count, timeout: .seconds(120))
            progress("replies \(replies.count)")
            #expect(replies.count == count)
            #expect(replies.values.allSatisfy { $0.status == .accepted })
            let numbers = Set(replies.values.compactMap(\.ticketNumber))
            ours.withLock { $0 = numbers }
            #expect(numbers.count == count, "every submission has its own ticket")

            // Every submission has exactly one ticket in intake.
            let tickets = try await intakeDB.withConnection { connection in
                try connection.query("""
                    SELECT count(*) AS submissions, count(DISTINCT s.ticket_number) AS tickets, count(t.number) AS rows
                    FROM intake.submissions s LEFT JOIN intake.tickets t ON t.number = s.ticket_number
                    WHERE s.submission_id LIKE $1
                    """, [prefix + "-%"]).first!
            }
            #expect(try tickets.require("submissions", as: Int.self) == count)
            #expect(try tickets.require("tickets", as: Int.self) == count)
            #expect(try tickets.require("rows", as: Int.self) == count)

            // Every ticket was assigned exactly once.
            let perTicket = try await eventually(timeout: .seconds(120)) { () -> [String: Int]? in
                let rows = try await dispatchDB.withConnection { connection in
                    try connection.query("""
                        SELECT ticket_number, count(*) AS n FROM dispatch.assignments
                        WHERE ticket_number = ANY($1) GROUP BY ticket_number
                        """, [Array(numbers)]).map { (try $0.require("ticket_number", as: String.self), try $0.require("n", as: Int.self)) }
                }
                return rows.count == count ? Dictionary(uniqueKeysWithValues: rows) : nil
            }
            #expect(perTicket?.count == count)
            #expect(perTicket?.values.allSatisfy { $0 == 1 } == true)
            #expect(try await assignments() - baseline >= count)

            progress("assignments checked")
            // And monitoring saw one ticket.assigned event per ticket: a republished event keeps its id.
            let events = try await watching.value.filter { numbers.contains($0.subject ?? "") }
            progress("events \(events.count)")
            let idsPerTicket = Dictionary(grouping: events, by: { $0.subject! }).mapValues { Set($0.map(\.id)).count }
            #expect(idsPerTicket.count == count)
            #expect(idsPerTicket.values.allSatisfy { $0 == 1 })
        }
    }
}

private func progress(_ text: String) {
    FileHandle.standardError.write(Data("crash test: \(text) at \(Date())\n".utf8))
}
