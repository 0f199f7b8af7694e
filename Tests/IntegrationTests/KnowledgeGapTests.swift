import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuServiceKit
import KefuStorage
import Testing

/// kefu-knowledge against the test stack, where KnowledgeTests leaves gaps: feedback in the
/// ranking, the suggestions' floor and cap, the validation errors of every route, a resolved
/// ticket that an article cannot close, and which channel's acknowledgement lists articles.
@Suite("knowledge: ranking feedback, suggestion limits, refusals, resolved tickets, acknowledgements by channel", .serialized)
struct KnowledgeGapTests: KnowledgeSuite {
    let knowledge: URL

    init() throws {
        knowledge = try Stack.url("knowledge")
    }

    /// A word no other article holds, so that only this test's articles match it.
    static func marker() -> String { "kbgap" + String(UUID().uuidString.prefix(8).lowercased()) }

    /// The JSON pointers a problem names.
    static func fields(_ reply: HTTP.Reply) -> [String] {
        (((try? reply.json())?["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }

    /// Feedback multiplies an article's score by `1 + 0.2 · (positive − negative) / (positive +
    /// negative + 10)` (docs/knowledge.md, "Ranking"); votes count once the index refresher has
    /// seen them. Two identical articles tie, so only the boost can put the voted one first.
    @Test("helpful votes lift the lower of two tied articles to the top of search, by the documented boost")
    func feedbackNudgesRanking() async throws {
        let marker = Self.marker()
        let title = "\(marker) espresso grinder jams", body = "Empty the hopper and brush the burrs clean."
        let one = try await article(en: (title, body)), two = try await article(en: (title, body))
        let tied = try await eventually { () -> [[String: Any]]? in
            let hits = try await search(title).filter { [one, two].contains($0["id"] as? String ?? "") }
            return hits.count == 2 ? hits : nil
        }
        let before = try #require(tied, "both articles are found")
        #expect(before[0]["score"] as? Double == before[1]["score"] as? Double, "identical articles tie: \(before)")
        let upper = try #require(before[0]["id"] as? String), lower = try #require(before[1]["id"] as? String)

        let page = try await HelpCentre.get(url("help/en/articles/\(lower)").absoluteString)
        #expect(page.status == 200 && !page.csrf.isEmpty)
        // One vote from each of eight addresses, so that no address's limit refuses one.
        let votes = 8, base = Int.random(in: 1...240)
        for voter in 0..<votes {
            let vote = try await HelpCentre.post(url("help/en/articles/\(lower)/vote"), ["helpful": "yes", "csrf": page.csrf],
                                                 cookie: page.csrf, forwardedFor: "192.0.2.\(base + voter)")
            #expect(vote.status == 200)
        }
        let helpful = try await HTTP.get(url("v1/articles/\(lower)")).json()["helpful"] as? Int
        #expect(helpful == votes)

        // The index takes votes in on its refresh, which may fall among them: wait for all of them.
        let boost = 1 + 0.2 * Double(votes) / Double(votes + 10)
        let ranked = try await eventually { () -> [[String: Any]]? in
            let hits = try await search(title)
            guard hits.first?["id"] as? String == lower else { return nil }
            let top = hits[0]["score"] as? Double ?? 0
            let other = hits.first(where: { $0["id"] as? String == upper })?["score"] as? Double ?? .infinity
            return abs(top / other - boost) < 0.01 ? hits : nil
        }
        let hits = try #require(ranked, "the voted article never came first by the boost of \(votes) votes")
        let top = hits[0]["score"] as? Double ?? 0
        let other = hits.first(where: { $0["id"] as? String == upper })?["score"] as? Double ?? .infinity
        #expect(top > other, "first by the boost, not by chance: \(top) vs \(other)")
    }

    /// Suggestions are the best `KEFU_SUGGESTION_COUNT` (3) whose relevance reaches
    /// `KEFU_SUGGESTION_FLOOR` (0.35): five articles that all reach it give three, in ranking
    /// order; a ticket that shares only the marker with them, among many other words, gets none.
    @Test("a ticket gets at most three suggestions, best first; one that matches only weakly gets none")
    func suggestionFloorAndCap() async throws {
        let marker = Self.marker()
        let title = "\(marker) turntable wobbles loudly"
        // Same titles; the fewer times the body repeats a ticket word, the lower the article ranks.
        var ids: [String] = []
        for repeats in stride(from: 5, through: 1, by: -1) {
            ids.append(try await article(en: (title, "Level the feet first." + String(repeating: " turntable", count: repeats))))
        }
        let qualifying = try await search(title, ["lang": "en"]).filter { ids.contains($0["id"] as? String ?? "") }
        #expect(qualifying.count == 5 && qualifying.allSatisfy { ($0["relevance"] as? Double ?? 0) >= 0.35 },
                "all five reach the floor, so only the cap can leave two out: \(qualifying)")

        let strong = try await Kefu.submit(customer: ["email": "\(unique("kb-cap"))@example.com"], language: "en",
                                           subject: title, body: "\(marker) turntable wobbles loudly")
        let kept = try #require(try await suggestions(strong.number))
        #expect(kept.compactMap { $0["id"] as? String } == Array(ids.prefix(3)), "\(kept)")
        let scores = kept.compactMap { $0["score"] as? Double }
        #expect(scores.count == 3 && zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 } && scores.allSatisfy { $0 >= 0.35 },
                "\(scores)")

        // The marker matches all five, but it is one word of nine: too little of the ticket.
        let noise = (0..<8).map { _ in "zq" + String(UUID().uuidString.prefix(8).lowercased()) }.joined(separator: " ")
        let weakText = "\(marker) \(noise)"
        let near = try await search(weakText, ["lang": "en"]).filter { ids.contains($0["id"] as? String ?? "") }
        #expect(!near.isEmpty && near.allSatisfy { ($0["relevance"] as? Double ?? 1) < 0.35 }, "matched, below the floor: \(near)")
        let weak = try await Kefu.submit(customer: ["email": "\(unique("kb-floor"))@example.com"], language: "en", body: weakText)
        let none = try #require(try await suggestions(weak.number), "the ticket's suggestions are kept, empty")
        #expect(none.isEmpty, "\(none)")
    }

    /// A request knowledge must refuse, with the status and the one field pointer it answers.
    struct Refusal {
        let name: String
        let method: String
        let url: URL
        let json: [String: Any]?
        let status: Int
        let field: String

        init(_ name: String, _ url: URL, method: String = "POST", json: [String: Any]? = nil, status: Int = 422, field: String) {
            self.name = name
            self.method = method
            self.url = url
            self.json = json
            self.status = status
            self.field = field
        }
    }

    /// Every refusal names the field at fault, so that a form can show it where it belongs:
    /// JSON pointers for bodies, the parameter's name for queries (ArticleRoutes, CategoryRoutes,
    /// CategoryStore, SearchRoutes, SuggestionRoutes). A taken key is a conflict, not a 422.
    @Test("each bad field of articles, their list, categories, search, feedback and the report is refused and named")
    func refusals() async throws {
        let hex = String(UUID().uuidString.prefix(8).lowercased())
        let key = "gap-\(hex)"
        _ = try await article(en: ("Keyed \(hex)", "Body"), key: key)
        let names = ["zh-CN": "分类", "en": "Category"]
        let parent = "gap-a-\(hex)", child = "gap-b-\(hex)"
        #expect(try await HTTP.send("PUT", url("v1/categories/\(parent)"), json: ["names": names]).status == 200)
        #expect(try await HTTP.send("PUT", url("v1/categories/\(child)"), json: ["names": names, "parent_id": parent]).status == 200)

        let en: [String: Any] = ["en": ["title": "Gap \(hex)", "body": "Body"]]
        let feedback = url("v1/tickets/KF-GAP-\(hex)/suggestions/\(UUID().uuidString.lowercased())/feedback")
        let cases: [Refusal] = [
            Refusal("a body over its limit", url("v1/articles"),
                    json: ["translations": ["en": ["title": "Long", "body": String(repeating: "b", count: 100_001)]]],
                    field: "/translations/en/body"),
            Refusal("a product too long", url("v1/articles"),
                    json: ["translations": en, "products": ["KX-", String(repeating: "P", count: 65)]], field: "/products/1"),
            Refusal("a tag too long", url("v1/articles"), json: ["translations": en, "tags": [String(repeating: "t", count: 41)]],
                    field: "/tags/0"),
            Refusal("a key another article has", url("v1/articles"), json: ["key": key, "translations": en], status: 409,
                    field: "/key"),
            Refusal("a visibility nobody knows", url("v1/articles"), json: ["visibility": "secret", "translations": en],
                    field: "/visibility"),
            Refusal("the list's visibility", url("v1/articles", ["visibility": "secret"]), method: "GET", field: "visibility"),
            Refusal("the list's cursor", url("v1/articles", ["cursor": "not-a-cursor"]), method: "GET", field: "cursor"),
            Refusal("the list's limit", url("v1/articles", ["limit": "0"]), method: "GET", field: "limit"),
            Refusal("a category without its English name", url("v1/categories/gap-c-\(hex)"), method: "PUT",
                    json: ["names": ["zh-CN": "分类"]], field: "/names/en"),
            Refusal("a category's position", url("v1/categories/gap-c-\(hex)"), method: "PUT",
                    json: ["names": names, "position": 2_000_000], field: "/position"),
            Refusal("a parent that does not exist", url("v1/categories/gap-c-\(hex)"), method: "PUT",
                    json: ["names": names, "parent_id": "gap-none-\(hex)"], field: "/parent_id"),
            Refusal("a category inside its own child", url("v1/categories/\(parent)"), method: "PUT",
                    json: ["names": names, "parent_id": child], field: "/parent_id"),
            Refusal("a query over 1,000 characters", url("v1/search", ["q": String(repeating: "a", count: 1001)]), method: "GET",
                    field: "q"),
            Refusal("a search limit", url("v1/search", ["q": "router", "limit": "51"]), method: "GET", field: "limit"),
            Refusal("feedback staff may not give", feedback, json: ["kind": "solved"], field: "/kind"),
            Refusal("feedback of no kind", feedback, json: ["kind": "maybe"], field: "/kind"),
            Refusal("the report's from", url("v1/suggestions/report", ["from": "yesterday"]), method: "GET", field: "from"),
            Refusal("the report's to", url("v1/suggestions/report", ["to": "soon"]), method: "GET", field: "to"),
            Refusal("a report that ends before it starts", url("v1/suggestions/report", ["from": "2026-02-01", "to": "2026-01-01"]),
                    method: "GET", field: "from"),
        ]
        for refusal in cases {
            let reply = try await HTTP.send(refusal.method, refusal.url, json: refusal.json)
            let fields = Self.fields(reply)
            #expect(reply.status == refusal.status && fields == [refusal.field],
                    "\(refusal.name): \(reply.status) \(String(decoding: reply.body.prefix(400), as: UTF8.self))")
        }
        // The refused cycle left the tree as it was.
        let tree = try await HTTP.get(url("v1/categories")).jsonArray()
        #expect(tree.first(where: { $0["id"] as? String == parent })?["parent_id"] as? String == nil)
    }

    /// Deflection closes only open tickets: one an agent resolved closes through its survey, so a
    /// customer's "this solved it" afterwards is refused with 409 (Deflection.close answers
    /// `alreadyClosed`), no `kefu.ticket.closed` comes from knowledge, and dispatch keeps it resolved.
    @Test("a ticket an agent resolved is not closed by the article the customer says solved it")
    func resolvedTicketStaysResolved() async throws {
        let marker = Self.marker()
        let id = try await article(zh: ("\(marker) 微波炉不加热", "检查门是否关严，再确认火力档位。"))
        let monitor = try await EventMonitor(bindingKey: "ticket.*")
        defer { monitor.close() }
        let email = "\(unique("kb-resolved"))@example.com"
        let ticket = try await Kefu.submit(customer: ["email": email], subject: "\(marker) 微波炉不加热",
                                           body: "微波炉转了五分钟，饭还是凉的。")
        let number = ticket.number
        let mail = try await Outside.waitForMail(to: email) { $0.contains(number) && $0.contains("已受理") }
        let text = SentMail(try #require(mail)).parts.map(\.text).joined()
        let match = try #require(text.firstMatch(of: #/http://[^\s<"]+/help/zh-CN/articles/[0-9a-f-]+\?t=[A-Za-z0-9_-]+/#))
        let link = String(match.output)
        #expect(link.contains(id), "the acknowledgement links the article first: \(link)")

        // An agent resolves it through dispatch, which tells knowledge.
        let dispatch = try Stack.url("dispatch")
        let assignments = try AssignmentTests()
        var holder = try await assignments.placed(number)["agent_id"] as? String
        if holder == nil {
            let agent = try await assignments.agent("kb-resolver", team: "hq")
            let moved = try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(number)/transfer"),
                                            json: ["agent_id": agent, "reason": "queued; someone must resolve it"])
            #expect(moved.status == 200)
            holder = agent
        }
        let agentToken = try Stack.token(.agent, subject: try #require(holder))
        let resolved = try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(number)/resolve"),
                                           json: ["code": "repaired", "summary": "已电话指导客户调整火力档位"], token: agentToken)
        let resolvedStatus = try resolved.json()["status"] as? String
        #expect(resolved.status == 200 && resolvedStatus == "resolved")
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let heard = try await eventually { () -> Bool? in
            try await admin.withConnection { connection in
                try connection.query("SELECT 1 FROM knowledge.tickets WHERE number = $1 AND resolved_at IS NOT NULL", [number])
                    .count == 1 ? true : nil
            }
        }
        #expect(heard == true, "knowledge heard of the resolution")

        // The customer follows the link and says the article solved it.
        let page = try await HelpCentre.get(link)
        let token = String(link.split(separator: "=").last!)
        let refused = try await HelpCentre.post(url("help/zh-CN/articles/\(id)/solved"), ["t": token, "csrf": page.csrf],
                                                cookie: page.csrf, forwardedFor: "198.18.0.\(Int.random(in: 1...250))")
        #expect(refused.status == 409, "an agent's resolution is not the article's")
        let events = try await monitor.collect(timeout: .seconds(3)) { events in
            events.contains { $0.type == "kefu.ticket.closed" && $0.subject == number && $0.source == "/kefu/knowledge" }
        }
        #expect(!events.contains { $0.type == "kefu.ticket.closed" && $0.subject == number && $0.source == "/kefu/knowledge" })
        let view = try await HTTP.get(url("v1/tickets/\(number)/suggestions")).json()
        #expect(view["closed_by_article"] as? String == nil && view["closed_at"] as? String == nil, "\(view)")
        let status = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)")).json()["status"] as? String
        #expect(status == "resolved")
    }

    /// The test stack sets `KEFU_ACK_SUGGESTIONS=email` (deploy/kefu, notification_env): the
    /// acknowledgement waits for the suggestions on every channel, but only email lists them.
    /// A phone-only customer's SMS carries no link although notification had the article.
    @Test("the acknowledgement lists the suggested article by email, and not by SMS")
    func acknowledgementPerChannel() async throws {
        let marker = Self.marker()
        let subject = "\(marker) 投影仪画面模糊"
        let body = "投影仪画面模糊，看不清字。"
        let id = try await article(zh: (subject, "调节镜头焦距，并擦净镜头。"))

        let phone = NotificationSMSTests.phone()
        let texted = try await Kefu.submit(customer: ["phone": phone], subject: subject, body: body)
        let number = texted.number
        let suggested = try await suggestions(number)
        #expect(suggested?.contains { $0["id"] as? String == id } == true, "the article was there to list: \(suggested ?? [])")
        let delivery = try #require(try await Kefu.delivery(of: number) {
            $0["status"] as? String == "sent" && $0["purpose"] as? String == "acknowledgement"
        })
        #expect(delivery["channel"] as? String == "sms")
        let request = try #require(try await NotificationSMSTests.texts(to: phone).first {
            $0.json["reference"] as? String == delivery["id"] as? String
        })
        let sms = try #require(request.json["text"] as? String)
        #expect(sms.contains(number) && !sms.contains("/help/") && !sms.contains("参考") && !sms.contains(id), "\(sms)")
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let kept = try await admin.withConnection { connection in
            try connection.query("SELECT articles::text AS articles FROM notification.ticket_suggestions WHERE ticket_number = $1",
                                 [number]).first?.require("articles", as: String.self)
        }
        #expect(kept?.contains(id) == true, "notification held the public article when it sent the SMS")

        let email = "\(unique("kb-ack-channel"))@example.com"
        let mailed = try await Kefu.submit(customer: ["email": email], subject: subject, body: body)
        let mail = try await Outside.waitForMail(to: email) { $0.contains(mailed.number) && $0.contains("已受理") }
        let text = SentMail(try #require(mail)).parts.map(\.text).joined()
        #expect(text.contains("以下文章或许能解答您的问题") && text.contains("/help/zh-CN/articles/\(id)?t="), "\(text)")
    }
}
