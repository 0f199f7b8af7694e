import Foundation
import KefuContracts
import KefuStorage
import Testing

@Suite("intake's ticket list and refused submissions")
struct IntakeAPITests {
    let intake: URL

    init() throws {
        intake = try Stack.url("intake")
    }

    @Test("tickets are listed newest first, filtered, a page at a time")
    func listing() async throws {
        let phone = "+86136" + String(format: "%08d", Int.random(in: 0..<100_000_000))
        var numbers: [String] = []
        for index in 0..<3 {
            var submission = phoneSubmission(unique("list"), body: "第\(index)次来电")
            submission["customer"] = ["phone": phone]
            let reply = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: submission)
            numbers.append(try #require(try reply.json()["number"] as? String))
        }
        let customer = try #require(
            (try await HTTP.get(intake.appending(path: "v1/tickets/\(numbers[0])")).json()["customer"] as? [String: Any])?["id"] as? String)

        let list = intake.appending(path: "v1/tickets")
        let first = try await HTTP.get(list.appending(queryItems: [.init(name: "customer", value: customer),
                                                                   .init(name: "limit", value: "2")])).json()
        let firstItems = try #require(first["items"] as? [[String: Any]])
        #expect(firstItems.compactMap { $0["number"] as? String } == [numbers[2], numbers[1]])
        let cursor = try #require(first["next_cursor"] as? String)
        let second = try await HTTP.get(list.appending(queryItems: [.init(name: "customer", value: customer),
                                                                    .init(name: "limit", value: "2"),
                                                                    .init(name: "cursor", value: cursor)])).json()
        #expect((second["items"] as? [[String: Any]])?.compactMap { $0["number"] as? String } == [numbers[0]])
        #expect(second["next_cursor"] == nil || second["next_cursor"] is NSNull)

        let web = try await HTTP.get(list.appending(queryItems: [.init(name: "customer", value: customer),
                                                                 .init(name: "channel", value: "web")])).json()
        #expect((web["items"] as? [Any])?.isEmpty == true)
        let future = try await HTTP.get(list.appending(queryItems: [.init(name: "customer", value: customer),
                                                                    .init(name: "created_from", value: "2099-01-01T00:00:00Z")])).json()
        #expect((future["items"] as? [Any])?.isEmpty == true)
    }

    @Test("search finds tickets by number, by phone however written, by e-mail, and by words in Chinese or English in any message")
    func search() async throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let digits = String(format: "%08d", Int.random(in: 0..<100_000_000))
        var chinese = phoneSubmission(unique("search"), body: "塔吊回转机构异响\(tag)")
        chinese["customer"] = ["phone": "+86137\(digits)", "name": "搜索测试", "tier": "vip"]
        let email = "search-\(tag)@example.com"
        var english = phoneSubmission(unique("search"), body: "The Boom Sensor reads zero \(tag)")
        english["subject"] = "Boom sensor"
        english["channel"] = "web"
        english["language"] = "en"
        english["customer"] = ["email": email]
        let zh = try #require(try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: chinese).json()["number"] as? String)
        let en = try #require(try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: english).json()["number"] as? String)
        func found(_ query: String) async throws -> [String] {
            let reply = try await HTTP.get(intake.appending(path: "v1/tickets").appending(queryItems: [.init(name: "q", value: query)]))
            return (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
        }
        #expect(try await found(zh) == [zh])
        #expect(try await found(zh.lowercased()) == [zh])
        #expect(try await found("+86 137 \(digits.prefix(4)) \(digits.suffix(4))") == [zh], "a phone number written with spaces")
        #expect(try await found("137-\(digits.prefix(4))-\(digits.suffix(4))") == [zh], "a national number with dashes")
        #expect(try await found(email.uppercased()) == [en])
        #expect(try await found("回转机构异响\(tag)") == [zh])
        #expect(try await found("boom sensor reads ZERO \(tag)") == [en], "words match whatever their case")
        #expect(try await found("%\(tag)").isEmpty, "% is text, not a pattern")
        #expect(try await found("_\(tag)").isEmpty, "_ is text, not a pattern")

        // A later message of the ticket, here the customer's mail reply, is searched too.
        let mail = Mail.compose(from: email, subject: "Re: [\(en)] Boom sensor", body: "Hydraulic leak near the pump \(tag)")
        #expect([200, 201].contains(try await Mail.post(mail.bytes).status))
        #expect(try await eventually { try await found("hydraulic LEAK near the pump \(tag)") == [en] ? true : nil } == true)

        // A batch look-up, as the console fills a queue page: each with its customer's name and tier.
        let batch = try await HTTP.get(intake.appending(path: "v1/tickets").appending(queryItems: [
            .init(name: "numbers", value: "\(zh),\(en),KF-19990101-000001")])).json()["items"] as? [[String: Any]] ?? []
        #expect(Set(batch.compactMap { $0["number"] as? String }) == [zh, en])
        let named = batch.first { $0["number"] as? String == zh }
        #expect(named?["customer_name"] as? String == "搜索测试" && named?["customer_tier"] as? String == "vip")

        let tooMany = (0...200).map { "KF-20261201-\(String(format: "%06d", $0))" }.joined(separator: ",")
        let refused = try await HTTP.get(intake.appending(path: "v1/tickets").appending(queryItems: [
            .init(name: "numbers", value: tooMany), .init(name: "q", value: String(repeating: "长", count: 201))]))
        #expect(refused.status == 422)
        #expect((try refused.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] } == ["numbers", "q"])
    }

    @Test("bad list parameters are named in one 422")
    func badParameters() async throws {
        let reply = try await HTTP.get(intake.appending(path: "v1/tickets").appending(queryItems: [
            .init(name: "channel", value: "fax"), .init(name: "customer", value: "nobody"),
            .init(name: "created_from", value: "yesterday"), .init(name: "limit", value: "5000"),
            .init(name: "cursor", value: "@@@"),
        ]))
        #expect(reply.status == 422)
        let fields = (try reply.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
        #expect(fields == ["channel", "customer", "created_from", "limit", "cursor"])
    }

    @Test("a refused submission is listed with its reasons and bytes, and can be replayed once corrected")
    func replay() async throws {
        let id = unique("refused")
        var broken = phoneSubmission(id)
        broken["channel"] = "fax"
        let raw = try JSONSerialization.data(withJSONObject: broken)
        let refused = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), body: raw)
        #expect(refused.status == 422)

        let list = try await HTTP.get(intake.appending(path: "v1/rejected-submissions").appending(queryItems: [
            .init(name: "source", value: "http"), .init(name: "limit", value: "200")])).json()
        let entry = try #require((list["items"] as? [[String: Any]])?.first { $0["submission_id"] as? String == id })
        #expect((entry["reasons"] as? [[String: String]])?.first?["field"] == "/channel")
        #expect(entry["integrator"] as? String == "operator")
        let rejectedID = try #require(entry["id"] as? Int)

        let stored = try await HTTP.get(intake.appending(path: "v1/rejected-submissions/\(rejectedID)/raw"))
        #expect(stored.body == raw)
        #expect(stored.headers["Content-Type"] == "application/octet-stream" && stored.headers["X-Content-Type-Options"] == "nosniff")

        // As it was, it is still refused; nothing is created.
        let unchanged = try await HTTP.send("POST", intake.appending(path: "v1/rejected-submissions/\(rejectedID)/replay"))
        #expect(unchanged.status == 422)

        broken["channel"] = "phone"
        let fixed = try await HTTP.send("POST", intake.appending(path: "v1/rejected-submissions/\(rejectedID)/replay"), json: broken)
        #expect(fixed.status == 201)
        let number = try #require(try fixed.json()["number"] as? String)
        let again = try await HTTP.send("POST", intake.appending(path: "v1/rejected-submissions/\(rejectedID)/replay"), json: broken)
        #expect(again.status == 409)
        #expect((try again.json()["detail"] as? String)?.contains(number) == true)
        #expect(try await HTTP.send("POST", intake.appending(path: "v1/rejected-submissions/999999999/replay")).status == 404)
    }

    @Test("a submission id is remembered for the window (30 days), and is new again after it")
    func submissionWindow() async throws {
        let submission = phoneSubmission(unique("window"))
        let first = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: submission)
        #expect(first.status == 201)
        let number = try #require(try first.json()["number"] as? String)
        #expect(try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: submission).status == 200)

        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let id = submission["submission_id"] as! String
        try await admin.withConnection { connection in
            try connection.query("UPDATE intake.submissions SET received_at = now() - interval '31 days' WHERE submission_id = $1",
                                 [id])
        }
        let later = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: submission)
        #expect(later.status == 201)
        #expect(try later.json()["number"] as? String != number)
    }

    @Test("limits: invalid UTF-8, too many attachments, an over-long subject")
    func limits() async throws {
        var bytes = Array(try JSONSerialization.data(withJSONObject: phoneSubmission(unique("utf8"))))
        let at = bytes.firstRange(of: Array("泵".utf8))!.lowerBound
        bytes[at] = 0xFF
        let invalid = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), body: Data(bytes))
        #expect(invalid.status == 400)
        #expect((try invalid.json()["errors"] as? [[String: String]])?.first?["message"] == "is not valid UTF-8 (byte \(at))")

        var crowded = phoneSubmission(unique("limits"))
        crowded["attachments"] = (0..<21).map { ["filename": "p\($0).jpg"] }
        crowded["subject"] = String(repeating: "长", count: 999)
        let reply = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: crowded)
        #expect(reply.status == 422)
        let fields = (try reply.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
        #expect(fields.contains("/attachments"))
        #expect(fields.contains("/subject"))
    }
}
