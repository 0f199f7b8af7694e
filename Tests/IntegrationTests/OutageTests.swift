import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuStorage
import Testing

/// docs/architecture.md, rule 4: when the broker or the database drops a service's connections, the service
/// stays up, reconnects with backoff and resumes. Classification is the victim: it sits in the
/// middle of the flow, so a ticket reaching `ticket.classified` proves it resumed.
@Suite("Outages: services reconnect and resume", .serialized)
struct OutageTests {
    private func classifiedAfterSubmitting() async throws -> Bool {
        let monitor = try await EventMonitor(bindingKey: "ticket.classified")
        defer { monitor.close() }
        let gateway = try await Gateway()
        defer { gateway.close() }
        let submissionID = unique("outage")
        try await gateway.submit([phoneSubmission(submissionID)])
        let number = try #require(try await gateway.replies(count: 1)[submissionID]?.ticketNumber)
        let events = try await monitor.collect(timeout: .seconds(60)) { $0.contains { $0.subject == number } }
        return events.contains { $0.subject == number }
    }

    @Test("the broker closes all of classification's connections")
    func brokerDropsConnections() async throws {
        let management = try Stack.value("KEFU_AMQP_MANAGEMENT_URL")
        let admin = try Stack.value("KEFU_ADMIN_AMQP_URL")
        let credentials = String(admin.dropFirst("amqp://".count).prefix { $0 != "@" })
        func call(_ method: String, _ path: String) async throws -> (Data, Int) {
            var request = URLRequest(url: URL(string: management + path)!)
            request.httpMethod = method
            request.setValue("Basic " + Data(credentials.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
            let (data, response) = try await URLSession.shared.data(for: request)
            return (data, (response as? HTTPURLResponse)?.statusCode ?? 0)
        }
        func connections() async throws -> [String] {
            let list = try JSONSerialization.jsonObject(with: try await call("GET", "/api/connections").0) as? [[String: Any]] ?? []
            return list.filter { $0["user"] as? String == "kefu-classification" }.compactMap { $0["name"] as? String }
        }
        let before = try #require(try await eventually { let names = try await connections(); return names.isEmpty ? nil : names })
        // The management API lists a connection for a few seconds after it has gone (a restart by
        // an earlier test): only those really closed here must come back.
        var closed = 0
        for name in before {
            let (_, status) = try await call("DELETE", "/api/connections/" + name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            if (200..<300).contains(status) { closed += 1 }
        }
        #expect(closed > 0)
        let reconnected = try await eventually(timeout: .seconds(30)) { () -> [String]? in
            let names = try await connections()
            return names.count >= closed && Set(names).isDisjoint(with: before) ? names : nil
        }
        #expect(reconnected != nil, "classification opened new connections")
        #expect(try await classifiedAfterSubmitting())
        let ready = try await HTTP.get(try Stack.url("classification").appending(path: "health/ready"))
        #expect(ready.status == 200)
    }

    @Test("the database terminates all of classification's sessions")
    func databaseDropsSessions() async throws {
        let admin = try Stack.database("admin")
        let terminated = try await admin.withConnection { connection in
            try connection.query("""
                SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE usename = 'kefu_classification'
                """).first!.require("n", as: Int.self)
        }
        #expect(terminated >= 1)
        #expect(try await classifiedAfterSubmitting())
        let ready = try await eventually { () -> Int? in
            let status = try await HTTP.get(try Stack.url("classification").appending(path: "health/ready")).status
            return status == 200 ? status : nil
        }
        #expect(ready == 200)
    }
}
