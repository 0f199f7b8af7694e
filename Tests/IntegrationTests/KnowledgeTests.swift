import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuServiceKit
import Testing

/// kefu-knowledge against the test stack: articles and their history, search, suggestions for
/// new tickets, the acknowledgement carrying them, feedback, and a customer closing a ticket
/// from the help centre.
@Suite("knowledge: articles, search, suggestions and deflection", .serialized)
struct KnowledgeTests: KnowledgeSuite {
    let knowledge: URL

    init() throws {
        knowledge = try Stack.url("knowledge")
    }

    @Test("every bad field of an article is named at once, and a good one reads back as written")
    func validation() async throws {
        let bad = try await HTTP.send("POST", url("v1/articles"), json: [
            "key": "Not A Slug", "category": "no-such-category-\(UUID().uuidString.prefix(4).lowercased())", "tags": ["", "ok"],
            "visibility": "public",
            "translations": ["zh-CN": ["title": " ", "body": "正文"], "en": ["title": String(repeating: "t", count: 201), "body": ""],
                             "fr": ["title": "Bonjour", "body": "Texte"]],
        ])
        #expect(bad.status == 422)
        let fields = Set(((try bad.json()["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
        #expect(fields == ["/translations/zh-CN/title", "/translations/en/title", "/translations/en/body", "/translations/fr",
                           "/key", "/tags/0"], "\(fields)")
        let none = try await HTTP.send("POST", url("v1/articles"), json: ["translations": [:] as [String: Any]])
        #expect(((try none.json()["errors"] as? [[String: Any]])?.first?["field"] as? String) == "/translations")
        let wrongType = try await HTTP.send("POST", url("v1/articles"), json: ["translations": ["en": ["title": 3, "body": "x"]]])
        #expect(wrongType.status == 422)
        let category = try await HTTP.send("POST", url("v1/articles"), json: [
            "category": "nowhere-\(UUID().uuidString.prefix(6).lowercased())", "translations": ["en": ["title": "T", "body": "B"]]])
        #expect(category.status == 422 && String(decoding: category.body, as: UTF8.self).contains("/category"))

        let id = try await article(en: ("Resetting the router", "Hold the reset button for ten seconds."), tags: ["router", "router"])
        let read = try await HTTP.get(url("v1/articles/\(id)")).json()
        #expect(read["visibility"] as? String == "public" && read["revision"] as? Int == 1)
        #expect(read["tags"] as? [String] == ["router"], "repeated tags are kept once")
        #expect(try await HTTP.get(url("v1/articles/\(UUID().uuidString.lowercased())")).status == 404)
        #expect(try await HTTP.get(url("v1/articles/\(id)"), token: nil).status == 401)
        // A stale revision is a conflict, not a lost update.
        let stale = try await HTTP.send("PUT", url("v1/articles/\(id)"), json: [
            "revision": 7, "visibility": "public", "translations": ["en": ["title": "Other", "body": "Other"]]])
        #expect(stale.status == 409)
        #expect(try await HTTP.send("DELETE", url("v1/articles/\(id)"), token: try Stack.token(.agent)).status == 403)
        #expect(try await HTTP.send("DELETE", url("v1/articles/\(id)")).status == 204)
        #expect(try await HTTP.get(url("v1/articles/\(id)")).status == 404)
    }

    @Test("agents write drafts only; a supervisor publishes, and an agent cannot touch it after")
    func draftsAndPublishing() async throws {
        let agent = try Stack.token(.agent), supervisor = try Stack.token(.supervisor)
        let body: [String: Any] = ["translations": ["zh-CN": ["title": "更换滤网", "body": "每三个月更换一次。"]]]
        #expect(try await HTTP.send("POST", url("v1/articles"), json: body.merging(["visibility": "public"]) { $1 }, token: agent).status == 403)
        let draft = try await HTTP.send("POST", url("v1/articles"), json: body, token: agent)
        let draftJSON = try draft.json()
        #expect(draft.status == 201)
        let id = try #require(draftJSON["id"] as? String)
        #expect(draftJSON["visibility"] as? String == "draft")
        let publish = body.merging(["visibility": "public"]) { $1 }
        #expect(try await HTTP.send("PUT", url("v1/articles/\(id)"), json: publish, token: agent).status == 403)
        let published = try await HTTP.send("PUT", url("v1/articles/\(id)"), json: publish, token: supervisor)
        let publishedValue = try published.json()["visibility"] as? String
        #expect(published.status == 200 && publishedValue == "public")
        #expect(try await HTTP.send("PUT", url("v1/articles/\(id)"), json: body, token: agent).status == 403)
        #expect(try await HTTP.get(url("v1/articles"), token: try Stack.token(.integrator)).status == 403)
    }

    @Test("translations are versions of one article; its history says who changed what, and an old revision comes back")
    func historyAndRestore() async throws {
        let id = try await article(zh: ("热水器不出热水", "检查燃气阀门是否打开。"))
        let supervisor = try Stack.token(.supervisor, subject: "sup-\(UUID().uuidString.prefix(4).lowercased())")
        let edited = try await HTTP.send("PUT", url("v1/articles/\(id)"), json: [
            "revision": 1, "visibility": "public",
            "translations": ["zh-CN": ["title": "热水器没有热水", "body": "检查燃气阀门是否打开。"],
                             "en": ["title": "No hot water from the heater", "body": "Check that the gas valve is open."]],
        ], token: supervisor)
        let editedValue = try edited.json()["revision"] as? Int
        #expect(edited.status == 200 && editedValue == 2)
        let versions = try await HTTP.get(url("v1/articles/\(id)/versions")).jsonArray()
        #expect(versions.map { $0["revision"] as? Int } == [2, 1])
        #expect(Set(versions[0]["changes"] as? [String] ?? []) == ["title.zh-CN", "title.en", "body.en"])
        #expect(versions[0]["changed_by"] as? String == (try? AccessTokenSubject.of(supervisor)))
        let restored = try await HTTP.send("POST", url("v1/articles/\(id)/versions/1/restore"), token: supervisor)
        #expect(restored.status == 200)
        let now = try restored.json()
        #expect(now["revision"] as? Int == 3)
        let translations = now["translations"] as? [String: [String: String]] ?? [:]
        #expect(translations.keys.sorted() == ["zh-CN"] && translations["zh-CN"]?["title"] == "热水器不出热水")
        let latest = try await HTTP.get(url("v1/articles/\(id)/versions")).jsonArray().first
        #expect(latest?["action"] as? String == "restored 1")
        #expect(try await HTTP.send("POST", url("v1/articles/\(id)/versions/1/restore"), token: try Stack.token(.agent)).status == 403)
        #expect(try await HTTP.send("POST", url("v1/articles/\(id)/versions/99/restore")).status == 404)
    }

    @Test("Chinese, English, mixed and one-character queries find their article; language and product filter")
    func searching() async throws {
        let marker = String(UUID().uuidString.prefix(6).lowercased())
        let aircon = try await article(zh: ("空调不制冷怎么办 \(marker)", "先检查遥控器是否设为制冷模式，再清洗过滤网。"),
                                       en: ("Air conditioner not cooling \(marker)", "Set the remote to cooling mode, then clean the filter."),
                                       products: ["KX-"])
        let dishwasher = try await article(en: ("Dishwasher leaves spots on glasses \(marker)", "Refill the rinse aid and use a shorter cycle."))
        #expect(try await search("空调不制冷 \(marker)").first?["id"] as? String == aircon)
        #expect(try await search("dishwashers spotting glass \(marker)", ["lang": "en"]).first?["id"] as? String == dishwasher,
                "plural and -ing forms match their stems")
        let mixed = try await search("空调 not cooling \(marker)")
        #expect(mixed.first?["id"] as? String == aircon)
        let one = try await search("冷", ["product": "KX-200"])
        #expect(one.contains { $0["id"] as? String == aircon }, "a one-character query finds the article")
        #expect(try await search("空调不制冷 \(marker)", ["product": "AB-100"]).allSatisfy { $0["id"] as? String != aircon },
                "an article for other products is left out")
        let english = try await search("空调不制冷 \(marker)", ["lang": "en"]).first { $0["id"] as? String == aircon }
        #expect(english?["language"] as? String == "en" || english == nil)
        #expect(try await HTTP.get(url("v1/search", ["q": "x", "lang": "fr"])).status == 422)
        #expect(try await HTTP.get(url("v1/search")).status == 422)
        #expect(try await HTTP.get(url("v1/search", ["q": "x"]), token: nil).status == 401)
    }

    @Test("an internal article is never in public search, in the help centre, or in a customer's acknowledgement")
    func visibility() async throws {
        let marker = "洗碗机\(UUID().uuidString.prefix(4).lowercased())"
        // Both titles are in the ticket's text, so that both reach the floor: what is tested is who sees them.
        let inside = try await article(zh: ("\(marker) E24 故障码 维修手册", "拆下排水泵，检查叶轮。"), visibility: "internal")
        let outside = try await article(zh: ("\(marker) 显示 E24 故障码怎么办", "E24 表示排水不畅，请清理过滤器。"))
        let integrator = try Stack.value("KEFU_INTEGRATOR_TOKEN")
        let open = try await search("\(marker) E24 故障码", token: integrator).compactMap { $0["id"] as? String }
        #expect(open.contains(outside) && !open.contains(inside))
        #expect(try await HTTP.get(url("v1/search", ["q": marker, "visibility": "internal"]), token: integrator).status == 403)
        let staff = try await search("\(marker) E24 故障码", ["visibility": "internal,public"]).compactMap { $0["id"] as? String }
        #expect(staff.contains(outside) && staff.contains(inside))
        let page = try await HTTP.get(url("help/zh-CN/search", ["q": "\(marker) E24 故障码"]), token: nil)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && html.contains(outside) && !html.contains(inside) && !html.contains("维修手册"))
        #expect(try await HTTP.get(url("help/zh-CN/articles/\(inside)"), token: nil).status == 404)

        let email = "\(unique("kb-visibility"))@example.com"
        let ticket = try await Kefu.submit(customer: ["email": email], subject: "\(marker) 显示 E24 故障码怎么办 维修手册",
                                           body: "洗碗机显示 E24 故障码，不排水。")
        let suggested = try await eventually { () -> [[String: Any]]? in
            let reply = try await HTTP.get(url("v1/tickets/\(ticket.number)/suggestions"))
            return reply.status == 200 ? try reply.json()["articles"] as? [[String: Any]] : nil
        }
        let ids = (suggested ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains(inside) && ids.contains(outside), "staff get both: \(ids)")
        let mail = try await Outside.waitForMail(to: email) { $0.contains(ticket.number) && $0.contains("已受理") }
        let text = SentMail(try #require(mail)).parts.map(\.text).joined()
        #expect(text.contains("/help/zh-CN/articles/\(outside)?t="), "the public article is linked")
        #expect(!text.contains(inside) && !text.contains("维修手册"), "the internal one is not")
    }

    @Test("a new ticket's suggestions are kept and announced; feedback is reported; the customer closes the ticket with one")
    func suggestionsFeedbackAndDeflection() async throws {
        let marker = "烘干机\(UUID().uuidString.prefix(4).lowercased())"
        let id = try await article(zh: ("\(marker) 衣服烘不干", "清理毛絮过滤网，并确认排气管没有弯折。"))
        let monitor = try await EventMonitor(bindingKey: "ticket.*")
        defer { monitor.close() }
        let email = "\(unique("kb-deflect"))@example.com"
        let ticket = try await Kefu.submit(customer: ["email": email], subject: "\(marker) 衣服烘不干", body: "烘干机运行两小时衣服还是湿的。")
        let events = try await monitor.collect { events in events.contains { $0.type == "kefu.ticket.suggested" && $0.subject == ticket.number } }
        let suggested = try #require(events.first { $0.type == "kefu.ticket.suggested" && $0.subject == ticket.number })
        #expect(suggested.source == "/kefu/knowledge" && suggested.data.articleIDs?.first == id)
        let view = try await HTTP.get(url("v1/tickets/\(ticket.number)/suggestions")).json()
        let first = (view["articles"] as? [[String: Any]])?.first
        #expect(first?["id"] as? String == id && (first?["score"] as? Double ?? 0) >= 0.35)

        let agent = try Stack.token(.agent)
        let used = try await HTTP.send("POST", url("v1/tickets/\(ticket.number)/suggestions/\(id)/feedback"), json: ["kind": "used"], token: agent)
        let usedValue = try used.json()["used"] as? [String]
        #expect(used.status == 200 && usedValue == [id])
        let other = UUID().uuidString.lowercased()
        #expect(try await HTTP.send("POST", url("v1/tickets/\(ticket.number)/suggestions/\(other)/feedback"), json: ["kind": "used"],
                                    token: agent).status == 422)
        let report = try await HTTP.get(url("v1/suggestions/report"), token: try Stack.token(.supervisor)).json()
        #expect((report["tickets_accepted"] as? Int ?? 0) >= 1 && (report["acceptance_rate"] as? Double ?? 0) > 0)
        #expect(try await HTTP.get(url("v1/suggestions/report"), token: agent).status == 403)

        // The customer follows the acknowledgement's link and says the article solved it.
        let mail = try await Outside.waitForMail(to: email) { $0.contains(ticket.number) && $0.contains("已受理") }
        let text = SentMail(try #require(mail)).parts.map(\.text).joined()
        let link = try #require(text.firstMatch(of: #/http://[^\s<"]+/help/zh-CN/articles/[0-9a-f-]+\?t=[A-Za-z0-9_-]+/#)).output
        let page = try await HelpCentre.get(String(link))
        #expect(page.html.contains("/solved") && page.html.contains(ticket.number), "the page offers to close the ticket")
        let token = String(link.split(separator: "=").last!)
        let closed = try await HelpCentre.post(url("help/zh-CN/articles/\(id)/solved"), ["t": token, "csrf": page.csrf], cookie: page.csrf)
        #expect(closed.status == 200)
        let again = try await HelpCentre.post(url("help/zh-CN/articles/\(id)/solved"), ["t": token, "csrf": page.csrf], cookie: page.csrf)
        #expect(again.status == 409, "a ticket closes once")
        let forged = try await HelpCentre.post(url("help/zh-CN/articles/\(id)/solved"), ["t": token, "csrf": "forged"], cookie: page.csrf)
        #expect(forged.status == 403)

        let closing = try await monitor.collect { events in events.contains { $0.type == "kefu.ticket.closed" && $0.subject == ticket.number } }
        let event = try #require(closing.first { $0.type == "kefu.ticket.closed" && $0.subject == ticket.number })
        #expect(event.source == "/kefu/knowledge" && event.data.articleIDs == [id])
        let dispatch = try Stack.url("dispatch")
        let status = try await eventually { () -> String? in
            let status = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(ticket.number)")).json()["status"] as? String
            return status == "closed" ? status : nil
        }
        #expect(status == "closed", "dispatch closed the open ticket")
        let after = try await HTTP.get(url("v1/suggestions/report"), token: try Stack.token(.supervisor)).json()
        #expect((after["closed_by_article"] as? Int ?? 0) >= 1)
    }

    @Test("the help centre's votes are limited per client address, and each vote counts in the article")
    func voteLimit() async throws {
        let id = try await article(zh: ("投票限制 \(UUID().uuidString.prefix(4))", "正文"))
        let page = try await HelpCentre.get(url("help/zh-CN/articles/\(id)").absoluteString)
        #expect(page.status == 200 && page.html.contains("vote-yes"))
        let address = "198.51.100.\(Int.random(in: 1...250))"
        var statuses: [Int] = []
        for _ in 0..<16 {
            statuses.append(try await HelpCentre.post(url("help/zh-CN/articles/\(id)/vote"), ["helpful": "yes", "csrf": page.csrf],
                                                      cookie: page.csrf, forwardedFor: address).status)
        }
        #expect(statuses.first == 200 && statuses.contains(429), "\(statuses)")
        let counted = try await HTTP.get(url("v1/articles/\(id)")).json()["helpful"] as? Int
        #expect(counted == statuses.filter { $0 == 200 }.count)
        let other = try await HelpCentre.post(url("help/zh-CN/articles/\(id)/vote"), ["helpful": "no", "csrf": page.csrf],
                                              cookie: page.csrf, forwardedFor: "203.0.113.\(Int.random(in: 1...250))")
        #expect(other.status == 200, "another address has its own limit")
    }

    @Test("import takes JSON lines and Markdown with front matter, merges translations by key, and refuses all of a bad batch")
    func importing() async throws {
        let supervisor = try Stack.token(.supervisor)
        let key = "import-\(UUID().uuidString.prefix(6).lowercased())"
        let lines = """
            {"key": "\(key)", "visibility": "public", "tags": ["import"], "translations": {"en": {"title": "Imported", "body": "Body"}}}
            {"translations": {"zh-CN": {"title": "导入的文章", "body": "正文"}}}
            """
        let imported = try await HTTP.send("POST", url("v1/articles/import"), body: Data(lines.utf8), contentType: "application/x-ndjson",
                                           token: supervisor)
        let importedValue = try imported.json()["created"] as? Int
        #expect(imported.status == 201 && importedValue == 2)
        let markdown = """
            ---
            key: \(key)
            language: zh-CN
            title: 导入的中文版
            tags: [import, 中文]
            ---
            ## 步骤

            1. 打开设置
            """
        let merged = try await HTTP.send("POST", url("v1/articles/import"), body: Data(markdown.utf8), contentType: "text/markdown",
                                         token: supervisor)
        let mergedValue = try merged.json()["updated"] as? Int
        #expect(merged.status == 201 && mergedValue == 1)
        let id = try #require((try merged.json()["ids"] as? [String])?.first)
        let article = try await HTTP.get(url("v1/articles/\(id)")).json()
        #expect((article["translations"] as? [String: Any])?.keys.sorted() == ["en", "zh-CN"])
        #expect(article["visibility"] as? String == "public", "what the file does not name is kept")

        let bad = """
            {"translations": {"en": {"title": "Fine", "body": "Fine"}}}
            {"translations": {"en": {"title": "", "body": "No title"}}}
            not json
            """
        let refused = try await HTTP.send("POST", url("v1/articles/import"), body: Data(bad.utf8), contentType: "application/x-ndjson",
                                          token: supervisor)
        let fields = ((try refused.json()["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
        #expect(refused.status == 422 && fields == ["/lines/2/translations/en/title", "/lines/3"], "\(fields)")
        let noFront = try await HTTP.send("POST", url("v1/articles/import"), body: Data("# Title only".utf8), contentType: "text/markdown",
                                          token: supervisor)
        #expect(noFront.status == 422 && String(decoding: noFront.body, as: UTF8.self).contains("/front_matter"))
        #expect(try await HTTP.send("POST", url("v1/articles/import"), body: Data("x".utf8), contentType: "text/csv",
                                    token: supervisor).status == 415)
    }

    @Test("an agent turns a resolved ticket into a draft without the customer's details")
    func draftFromTicket() async throws {
        let phone = "139\(Int.random(in: 10_000_000...99_999_999))"
        let email = "\(unique("kb-draft"))@example.com"
        let ticket = try await Kefu.submit(customer: ["email": email, "phone": phone, "name": "李雷"], subject: "冰箱结冰",
                                           body: "我是李雷，电话 \(phone)，邮箱 \(email)，冰箱冷藏室结冰。")
        _ = try await eventually { try await HTTP.get(url("v1/tickets/\(ticket.number)/suggestions")).status == 200 ? true : nil }
        // Only knowledge hears this resolution.
        try await Kefu.publishWork(TicketResolved(ticketNumber: ticket.number, customerID: ticket.customerID, agentID: "agent-kb",
                                                  category: "repair", channel: .phone,
                                                  resolution: "已电话 \(phone) 告知李雷：将温控调到 4 档，并检查门封条。", resolvedAt: Date()),
                                   queue: "knowledge.tickets")
        let agent = try Stack.token(.agent)
        let draft = try await eventually { () -> [String: Any]? in
            let reply = try await HTTP.send("POST", url("v1/articles/from-ticket"), json: ["ticket_number": ticket.number, "redact": ["李雷"]],
                                            token: agent)
            return reply.status == 201 ? try reply.json() : nil
        }
        let article = try #require(draft)
        #expect(article["visibility"] as? String == "draft" && article["source_ticket"] as? String == ticket.number)
        let body = ((article["translations"] as? [String: [String: String]])?["zh-CN"]?["body"]) ?? ""
        #expect(body.contains("温控调到 4 档") && body.contains("冷藏室结冰"))
        #expect(!body.contains(phone) && !body.contains(email) && !body.contains("李雷"), "\(body)")
        // An erased customer's ticket keeps nothing they wrote here either.
        let erasedEmail = "\(unique("kb-erase"))@example.com"
        let erased = try await Kefu.submit(customer: ["email": erasedEmail], subject: "洗衣机门锁坏了", body: "门锁坏了，住址是幸福路8号。")
        _ = try await eventually { try await HTTP.get(url("v1/tickets/\(erased.number)/suggestions")).status == 200 ? true : nil }
        let erase = try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/customers/\(erased.customerID)/erase"))
        #expect(erase.status == 200 || erase.status == 204)
        try await Task.sleep(for: .seconds(1))
        try await Kefu.publishWork(TicketResolved(ticketNumber: erased.number, customerID: erased.customerID, agentID: "agent-kb",
                                                  category: "repair", channel: .phone, resolution: "已上门更换门锁", resolvedAt: Date()),
                                   queue: "knowledge.tickets")
        let erasedDraft = try await eventually { () -> String? in
            let reply = try await HTTP.send("POST", url("v1/articles/from-ticket"), json: ["ticket_number": erased.number], token: agent)
            guard reply.status == 201 else { return nil }
            return ((try reply.json()["translations"] as? [String: [String: String]])?["zh-CN"]?["body"])
        }
        #expect(erasedDraft?.contains("幸福路") == false && erasedDraft?.contains("[erased]") == true, "\(erasedDraft ?? "-")")

        let unresolved = try await Kefu.submit(customer: ["email": "\(unique("kb-open"))@example.com"], body: "还没解决")
        try await Task.sleep(for: .seconds(1))
        #expect(try await HTTP.send("POST", url("v1/articles/from-ticket"), json: ["ticket_number": unresolved.number],
                                    token: agent).status == 409)
    }
}

/// The subject a test token was made for, read back from its payload.
enum AccessTokenSubject {
    static func of(_ token: String) throws -> String {
        guard let signer = TokenSigner(secret: try Stack.value("KEFU_AUTH_KEY")) else { throw StackError("no key") }
        return try signer.verify(token).subject
    }
}

/// The help centre as a customer's browser reaches it: a cookie, and forms posted from its own origin.
enum HelpCentre {
    struct Page {
        let status: Int
        let html: String
        let csrf: String
    }

    static func get(_ link: String) async throws -> Page {
        let (data, response) = try await URLSession.shared.data(from: URL(string: link)!)
        let http = response as! HTTPURLResponse
        let cookie = http.value(forHTTPHeaderField: "Set-Cookie") ?? ""
        let csrf = cookie.firstMatch(of: #/kefu_help_csrf=([A-Za-z0-9_-]+)/#).map { String($0.output.1) } ?? ""
        return Page(status: http.statusCode, html: String(decoding: data, as: UTF8.self), csrf: csrf)
    }

    static func post(_ url: URL, _ form: [String: String], cookie: String,
                     forwardedFor: String? = nil) async throws -> (status: Int, html: String) {
        var request = URLRequest(url: url)
        if let forwardedFor { request.setValue(forwardedFor, forHTTPHeaderField: "X-Forwarded-For") }
        request.httpMethod = "POST"
        request.httpShouldHandleCookies = false
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("kefu_help_csrf=\(cookie)", forHTTPHeaderField: "Cookie")
        request.setValue("\(url.scheme!)://\(url.host!):\(url.port!)", forHTTPHeaderField: "Origin")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        request.httpBody = Data(form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&").utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }
}
