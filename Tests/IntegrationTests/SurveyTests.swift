import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuServiceKit
import KefuStorage
import Testing

/// Surveys end to end: resolution, invitation, answer by link or SMS digit, complaint, closing.
@Suite("Survey: answers, complaints and closing", .serialized)
struct SurveyTests {
    let survey: URL
    let dispatch: URL

    init() async throws {
        survey = try Stack.url("survey")
        dispatch = try Stack.url("dispatch")
        _ = try await HTTP.send("POST", dispatch.appending(path: "v1/agents"),
                                json: ["id": unique("agent"), "name": "Survey Test Agent", "max_open": 100_000, "daily_cap": 100_000])
    }

    /// A ticket taken through dispatch to resolution; returns its number.
    func resolvedTicket(customer: [String: Any], language: String = "zh-CN") async throws -> (number: String, customerID: String) {
        let ticket = try await Kefu.submit(customer: customer, language: language)
        let placed = try await eventually { () -> Bool? in
            let reply = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(ticket.number)"))
            return (try? reply.json())?["status"] as? String == "assigned" ? true : nil
        }
        #expect(placed == true)
        let resolved = try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(ticket.number)/resolve"),
                                           json: ["code": "repaired", "summary": "更换液压阀"])
        #expect(resolved.status == 200)
        return ticket
    }

    /// The survey link from the invitation mail to `email`.
    func link(mailedTo email: String) async throws -> URL {
        let raw = try #require(try await Outside.waitForMail(to: email) { $0.contains("请评价") || $0.contains("How did we do") })
        let text = try #require(SentMail(raw).parts.first?.text)
        let match = try #require(text.firstMatch(of: /https?:\/\/[^\s<]+\/s\/[A-Za-z0-9_-]+/))
        return try #require(URL(string: String(match.output)))
    }

    /// A session that sends only the cookies a test sets, like a browser that has not visited.
    static let cookieless: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration)
    }()

    /// A browser's GET: the page and its CSRF cookie and field.
    func open(_ url: URL) async throws -> (page: String, cookie: String?, csrf: String?, status: Int) {
        let (data, response) = try await Self.cookieless.data(from: url)
        let http = response as! HTTPURLResponse
        let page = String(decoding: data, as: UTF8.self)
        let cookie = http.value(forHTTPHeaderField: "Set-Cookie").flatMap { $0.split(separator: ";").first.map(String.init) }
        let csrf = page.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.output.1) }
        return (page, cookie, csrf, http.statusCode)
    }

    func post(_ url: URL, form: [String: String], cookie: String?, origin: String? = nil) async throws -> (status: Int, page: String) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if let origin { request.setValue(origin, forHTTPHeaderField: "Origin") }
        request.httpBody = Data(form.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&").utf8)
        let (data, response) = try await Self.cookieless.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    func surveyOf(_ number: String) async throws -> [String: Any]? {
        try await HTTP.get(survey.appending(path: "v1/surveys").appending(queryItems: [.init(name: "ticket", value: number)]))
            .jsonArray().first
    }

    func intakeStatus(_ number: String) async throws -> String? {
        try await HTTP.get(try Stack.url("intake").appending(path: "v1/tickets/\(number)")).json()["status"] as? String
    }

    @Test("resolution sends a link; the page is in the customer's language; a satisfied answer closes the ticket; a second is refused politely")
    func answerByLink() async throws {
        let email = "\(unique("survey"))@example.com"
        let ticket = try await resolvedTicket(customer: ["name": "赵女士", "email": email])
        let url = try await link(mailedTo: email)
        let first = try await open(url)
        #expect(first.status == 200)
        #expect(first.page.contains("服务评价") && first.page.contains(ticket.number) && first.page.contains("width=device-width"))
        let csrf = try #require(first.csrf)
        #expect(first.cookie?.hasPrefix("kefu_survey_csrf=") == true)

        let answered = try await post(url, form: ["csrf": csrf, "csat": "5", "nps": "9", "comment": "很好"], cookie: first.cookie)
        #expect(answered.status == 200)
        #expect(answered.page.contains("感谢您的评价"))
        let stored = try #require(try await surveyOf(ticket.number))
        #expect(stored["status"] as? String == "answered" && stored["csat"] as? Int == 5 && stored["nps"] as? Int == 9)
        #expect(stored["answer_channel"] as? String == "web" && stored["complaint"] as? Bool == false)
        #expect(try await eventually { try await intakeStatus(ticket.number) == "closed" ? true : nil } == true)

        let again = try await post(url, form: ["csrf": csrf, "csat": "1"], cookie: first.cookie)
        #expect(again.status == 409 && again.page.contains("已经提交过"))
        #expect(try await open(url).page.contains("已经提交过"))
        let english = try await open(url.appending(queryItems: [.init(name: "lang", value: "en")]))
        #expect(english.page.contains("already been answered"))
    }

    @Test("the form refuses a missing or wrong CSRF token, another site's origin and bad scores, naming the field")
    func csrfAndValidation() async throws {
        let email = "\(unique("csrf"))@example.com"
        _ = try await resolvedTicket(customer: ["email": email], language: "en")
        let url = try await link(mailedTo: email)
        let page = try await open(url)
        #expect(page.page.contains("How did we do?"))
        let csrf = try #require(page.csrf)
        #expect(try await post(url, form: ["csat": "5", "csrf": csrf], cookie: nil).status == 403)
        #expect(try await post(url, form: ["csat": "5", "csrf": "forged"], cookie: page.cookie).status == 403)
        #expect(try await post(url, form: ["csat": "5", "csrf": csrf], cookie: page.cookie, origin: "https://evil.example").status == 403)
        let invalid = try await post(url, form: ["csat": "9", "nps": "-1", "csrf": csrf], cookie: page.cookie)
        #expect(invalid.status == 422)
        #expect(invalid.page.contains("choose a score from 1 to 5") && invalid.page.contains("choose a score from 0 to 10"))
        #expect(try await open(try #require(URL(string: url.absoluteString + "x"))).status == 404)
    }

    @Test("a low score with a comment reopens the ticket and escalates it to the supervisor, with the comment as a note")
    func complaint() async throws {
        let monitor = try await EventMonitor()
        defer { monitor.close() }
        let email = "\(unique("complaint"))@example.com"
        let ticket = try await resolvedTicket(customer: ["email": email])
        let url = try await link(mailedTo: email)
        let page = try await open(url)
        let answered = try await post(url, form: ["csrf": try #require(page.csrf), "csat": "1", "nps": "2", "comment": "工程师迟到三小时"],
                                      cookie: page.cookie)
        #expect(answered.page.contains("主管将跟进"))
        let events = try await monitor.collect { events in
            events.contains { $0.subject == ticket.number && $0.type == "kefu.ticket.escalated" }
        }
        let completed = try #require(events.first { $0.subject == ticket.number && $0.type == "kefu.survey.completed" })
        #expect(completed.data.complaint == true && completed.data.csat == 1)
        #expect(events.contains { $0.subject == ticket.number && $0.type == "kefu.ticket.reopened" })
        #expect(!events.contains { $0.subject == ticket.number && $0.type == "kefu.ticket.closed" })
        let dispatched = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(ticket.number)")).json()
        #expect(dispatched["status"] as? String != "resolved")
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let notes = try await admin.withConnection { connection in
            try connection.query("SELECT text FROM dispatch.notes WHERE ticket_number = $1 AND author = 'survey'", [ticket.number])
                .map { try $0.require("text", as: String.self) }
        }
        #expect(notes.contains { $0.contains("工程师迟到三小时") && $0.contains("CSAT 1/5") })
        // Escalation offers it to the supervisor of the team that holds it (dispatch's SLA tests cover who that is).
        let escalated = try #require(events.first { $0.subject == ticket.number && $0.type == "kefu.ticket.escalated" })
        #expect((escalated.data.escalationLevel ?? 0) >= 1)
        try await complaintsList(shows: ticket.number, comment: "工程师迟到三小时")
    }

    /// Supervisors page through complaints, newest first; agents may not; bad paging is named.
    func complaintsList(shows number: String, comment: String) async throws {
        let complaints = survey.appending(path: "v1/complaints")
        let newest = try await HTTP.get(complaints.appending(queryItems: [.init(name: "limit", value: "200")])).json()
        let items = try #require(newest["items"] as? [[String: Any]])
        let ours = try #require(items.first { $0["ticket_number"] as? String == number })
        #expect(ours["comment"] as? String == comment && ours["csat"] as? Int == 1 && ours["complaint"] as? Bool == true)
        let answered = items.compactMap { $0["answered_at"] as? String }
        #expect(answered == answered.sorted(by: >), "newest first")
        // Page by page, the same complaints in the same order.
        var paged: [String] = []
        var cursor: String?
        repeat {
            var query = [URLQueryItem(name: "limit", value: "1")]
            if let cursor { query.append(.init(name: "cursor", value: cursor)) }
            let page = try await HTTP.get(complaints.appending(queryItems: query)).json()
            paged += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            cursor = page["next_cursor"] as? String
        } while cursor != nil && paged.count < min(items.count, 5)
        #expect(paged == Array(items.prefix(paged.count)).compactMap { $0["id"] as? String })
        let bad = try await HTTP.get(complaints.appending(queryItems: [.init(name: "limit", value: "0"), .init(name: "cursor", value: "x")]))
        #expect(bad.status == 422)
        let problem = try bad.json()
        let fields = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(fields.contains("limit") && fields.contains("cursor"))
        let agent = try Stack.token(.agent)
        #expect(try await HTTP.get(complaints, token: agent).status == 403)
    }

    @Test("an SMS digit answers the newest open survey for that phone; other texts are not scores")
    func answerBySMS() async throws {
        let phone = NotificationSMSTests.phone()
        let ticket = try await resolvedTicket(customer: ["phone": phone])
        _ = try await eventually {
            try await Outside.requests(under: "/ok/sms").first { $0.json["to"] as? String == phone
                && ($0.json["text"] as? String)?.contains("回复数字") == true }
        }
        let gateway = try Stack.value("KEFU_INTEGRATOR_TOKEN")
        let inbound = survey.appending(path: "v1/inbound/sms")
        let noNumber = try await HTTP.send("POST", inbound, json: ["from": "unknown", "text": "5"], token: gateway)
        #expect(noNumber.status == 422 && String(decoding: noNumber.body, as: UTF8.self).contains("/from"))
        let chatter = try await HTTP.send("POST", inbound, json: ["from": phone, "text": "谢谢"], token: gateway)
        #expect(try chatter.json()["outcome"] as? String == "not_a_score")
        let written = phone.replacingOccurrences(of: "+86", with: "")  // as a handset reports it
        let reply = try await HTTP.send("POST", inbound, json: ["from": written, "text": "4"], token: gateway)
        #expect(try reply.json()["outcome"] as? String == "answered")
        #expect(try reply.json()["ticket_number"] as? String == ticket.number)
        let stored = try #require(try await surveyOf(ticket.number))
        #expect(stored["csat"] as? Int == 4 && stored["answer_channel"] as? String == "sms")
        let twice = try await HTTP.send("POST", inbound, json: ["from": phone, "text": "5"], token: gateway)
        #expect(try twice.json()["outcome"] as? String == "no_open_survey")
        #expect(try await HTTP.send("POST", inbound, json: ["from": phone, "text": "5"]).status == 200)  // admin may too
        #expect(try await HTTP.send("POST", inbound, json: ["from": phone, "text": "5"], token: nil).status == 401)
    }

    @Test("an expired survey shows a clear page and closes the ticket")
    func expiry() async throws {
        let email = "\(unique("expiry"))@example.com"
        let ticket = try await resolvedTicket(customer: ["email": email])
        let url = try await link(mailedTo: email)
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        try await admin.withConnection {
            try $0.query("UPDATE survey.surveys SET expires_at = now() - interval '1 second' WHERE ticket_number = $1", [ticket.number])
        }
        #expect(try await eventually { try await surveyOf(ticket.number)?["status"] as? String == "expired" ? true : nil } == true)
        #expect(try await eventually { try await intakeStatus(ticket.number) == "closed" ? true : nil } == true)
        let page = try await open(url)
        #expect(page.status == 410 && page.page.contains("问卷已过期"))
    }

    /// A GET of a survey page as a client at `address`, behind the trusted proxy (the test
    /// profile trusts 127.0.0.1, where the tests connect from).
    func status(_ path: String, from address: String) async throws -> Int {
        var request = URLRequest(url: survey.appending(path: path))
        request.setValue(address, forHTTPHeaderField: "X-Forwarded-For")
        return (try await Self.cookieless.data(for: request).1 as! HTTPURLResponse).statusCode
    }

    @Test("the public pages are rate limited per link and client, and per client across links, behind a trusted proxy")
    func rateLimit() async throws {
        // One link hammered from one address is held back…
        let link = "s/\(unique("nothing"))"
        var statuses: [Int] = []
        for _ in 0..<40 { statuses.append(try await status(link, from: "198.51.100.7")) }
        #expect(statuses.first == 404)
        #expect(statuses.contains(429))
        // …but customers behind the same proxy or NAT, at their own addresses, are not.
        #expect(try await status(link, from: "198.51.100.8") == 404)
        #expect(try await status(link, from: "203.0.113.9, 198.51.100.9") == 404)
        // And nobody tries links by the thousand from one address.
        var spread: [Int] = []
        for index in 0..<600 {
            spread.append(try await status("s/\(unique("guess"))-\(index)", from: "192.0.2.44"))
            if spread.last == 429 { break }
        }
        #expect(spread.contains(429), "many links from one address hit the address limit")
        #expect(try await status("s/\(unique("other"))", from: "192.0.2.45") == 404)
    }

    @Test("a ticket resolved again after its survey was answered closes after the quiet period; a customer's reply calls it off")
    func reclosing() async throws {
        let monitor = try await EventMonitor(bindingKey: "ticket.closed")
        defer { monitor.close() }
        func resolvedAgainAfterAnswer() async throws -> (number: String, email: String) {
            let email = "\(unique("reclose"))@example.com"
            let ticket = try await resolvedTicket(customer: ["email": email])
            let url = try await link(mailedTo: email)
            let page = try await open(url)
            #expect(try await post(url, form: ["csrf": try #require(page.csrf), "csat": "5"], cookie: page.cookie).status == 200)
            #expect(try await eventually { try await intakeStatus(ticket.number) == "closed" ? true : nil } == true)
            #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(ticket.number)/reopen"),
                                        json: ["reason": "the customer called back"]).status == 200)
            _ = try await eventually { try await intakeStatus(ticket.number) == "reopened" ? true : nil }
            let resolved = try await eventually { () -> Int? in
                let answer = try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(ticket.number)/resolve"),
                                                 json: ["code": "repaired", "summary": "再次处理"])
                return answer.status == 200 ? 200 : nil
            }
            #expect(resolved == 200)
            return (ticket.number, email)
        }
        let quiet = try await resolvedAgainAfterAnswer().number
        let closed = try await monitor.collect(timeout: .seconds(40)) { events in
            events.filter { $0.subject == quiet && $0.source == "/kefu/survey" }.count >= 2
        }
        #expect(closed.filter { $0.subject == quiet && $0.source == "/kefu/survey" }.count == 2,
                "closed once after the answer, once more after the quiet period")
        #expect(try await eventually { try await intakeStatus(quiet) == "closed" ? true : nil } == true)

        // The customer writes after the second resolution: the ticket reopens, and no close follows.
        let (spoken, email) = try await resolvedAgainAfterAnswer()
        let reply = try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"), json: [
            "submission_id": unique("reply"), "channel": "web", "ticket_number": spoken,
            "customer": ["email": email], "body": "还有一个问题",
        ], token: try Stack.value("KEFU_INTEGRATOR_TOKEN"))
        #expect(reply.status == 201 || reply.status == 200)
        try await Task.sleep(for: .seconds(12))  // past the quiet period
        let status = try await intakeStatus(spoken)
        #expect(status == "reopened" || status == "assigned", "reopened and worked again, not closed: \(status ?? "-")")
    }

}
