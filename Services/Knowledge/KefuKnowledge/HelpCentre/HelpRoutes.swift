import HTTPTypes
import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The public help centre, `/help/{lang}/…`, open without a token and showing public articles
/// only. Forms carry a double-submit CSRF token, as survey's do; every page is rate limited per
/// client address, the forms more tightly.
struct HelpRoutes: Sendable {
    static let csrfCookie = "kefu_help_csrf"

    let runtime: ServiceRuntime
    let index: ArticleIndex
    let configuration: KnowledgeConfiguration
    let pages: HelpPages
    let limiter: RateLimiter

    func add(to router: Router<KefuRequestContext>) {
        router.get("/help") { request, _ -> Response in
            let english = request.headers[.acceptLanguage]?.lowercased().hasPrefix("en") == true
            return Response(status: .seeOther, headers: [.location: english ? "/help/en" : "/help/zh-CN"])
        }
        router.get("/help/static/help.css") { _, _ -> Response in
            var headers = HelpPages.headers(contentType: "text/css; charset=utf-8")
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: HelpTemplates.style)))
        }
        router.get("/help/{lang}") { request, context -> Response in
            try await page(request, context) { language in
                let categories = try await runtime.read { try CategoryStore.all(on: $0) }
                let popular = try await runtime.read { try HelpArticles.popular(limit: 8, language: language, on: $0) }
                return pages.render("home", language: language, title: HelpTexts.texts(language)["site"]!, values: [
                    "categories": CategoryTree(categories).top(language), "popular": popular, "has_popular": !popular.isEmpty,
                ])
            }
        }
        router.get("/help/{lang}/categories/{id}") { request, context -> Response in
            try await page(request, context) { language in
                let id = try context.parameters.require("id")
                let categories = try await runtime.read { try CategoryStore.all(on: $0) }
                let tree = CategoryTree(categories)
                guard let category = tree.byID[id] else { return pages.message("not_found", language: language, status: .notFound) }
                let articles = try await runtime.read { try HelpArticles.inCategory(id, language: language, on: $0) }
                let children = tree.children(of: id, language)
                return pages.render("category", language: language, title: category.name(in: language), values: [
                    "name": category.name(in: language), "parents": tree.parents(of: id, language), "children": children,
                    "has_children": !children.isEmpty, "articles": articles,
                ])
            }
        }
        router.get("/help/{lang}/search") { request, context -> Response in
            try await page(request, context) { language in
                let query = String((WebForms.query(request)["q"] ?? "").prefix(200))
                let hits = index.search(query, filter: SearchFilter(language: language, visibilities: [.public],
                                                                     product: request.uri.queryParameters.get("product")), limit: 20)
                return pages.render("search", language: language, title: HelpTexts.texts(language)["search"]!, values: [
                    "query": query, "results": hits.map { ["id": $0.articleID, "title": $0.title] },
                ])
            }
        }
        router.get("/help/{lang}/articles/{id}") { request, context -> Response in
            try await page(request, context) { language in
                try await articlePage(request, context, language: language)
            }
        }
        addActions(to: router)
    }

    /// A GET page in a known language, within the address's rate limit.
    func page(_ request: Request, _ context: KefuRequestContext,
              _ body: (String) async throws -> Response) async throws -> Response {
        let language = try context.parameters.require("lang")
        guard HelpPages.languages.contains(language) else { return pages.message("not_found", language: "zh-CN", status: .notFound) }
        if let refusal = throttle(request, context, language: language, rate: configuration.helpRate * 20) { return refusal }
        return try await body(language)
    }

    private func articlePage(_ request: Request, _ context: KefuRequestContext, language: String) async throws -> Response {
        let idText = try context.parameters.require("id")
        guard let id = UUID(uuidString: idText),
              let article = try await runtime.read({ try ArticleStore.load(id, on: $0) }), article.visibility == .public,
              let (shown, translation) = article.translation(preferring: language) else {
            return pages.message("not_found", language: language, status: .notFound)
        }
        let categories = try await runtime.read { try CategoryStore.all(on: $0) }
        var values: [String: Any] = [
            "id": article.id, "article_title": translation.title, "article_html": MarkdownRenderer.html(translation.body),
            "other_version": shown != language, "updated": Self.day(article.updatedAt, language: language),
            "parents": article.category.map { CategoryTree(categories).parents(of: $0, language, including: true) } ?? [],
        ]
        let csrf = request.cookies[Self.csrfCookie]?.value ?? RandomToken.make()
        values["csrf"] = csrf
        // A customer who came from their acknowledgement can close their ticket with this article.
        if let token = request.uri.queryParameters.get("t"),
           let suggestions = try await runtime.read({ try SuggestionStore.ticket(forToken: token, on: $0) }),
           suggestions.closedAt == nil, suggestions.articles.contains(where: { $0.id == article.id }) {
            values["solvable"] = true
            values["ticket_token"] = token
            values["ticket_number"] = suggestions.ticketNumber
        }
        var response = pages.render("article", language: language, title: translation.title, values: values)
        response.setCookie(csrfCookie(csrf))
        return response
    }

    func csrfCookie(_ value: String) -> Cookie {
        Cookie(name: Self.csrfCookie, value: value, maxAge: 3600, path: "/help/",
               secure: configuration.publicURL.hasPrefix("https"), httpOnly: true, sameSite: .strict)
    }

    /// Per client address: pages at `rate`, forms at `KEFU_HELP_RATE_LIMIT`.
    func throttle(_ request: Request, _ context: KefuRequestContext, language: String, rate: Double,
                  key: String = "pages") -> Response? {
        let client = configuration.clientAddress.resolve(peer: context.remoteAddress?.ipAddress, headers: request.headers)
        guard let wait = limiter.acquire("help-\(key):\(client)", rate: rate, burst: max(configuration.helpBurst, rate * 2)) else {
            return nil
        }
        var response = pages.message("busy", language: language, status: .tooManyRequests)
        response.headers[.retryAfter] = String(max(1, Int(wait.components.seconds) + 1))
        return response
    }

    static func day(_ date: Date, language: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == "en" ? "en_GB" : "zh_CN")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = language == "en" ? "d MMMM yyyy" : "yyyy年M月d日"
        return formatter.string(from: date)
    }
}

/// The category tree as the pages need it, in one language.
struct CategoryTree {
    let byID: [String: Category]
    let ordered: [Category]

    init(_ categories: [Category]) {
        ordered = categories
        byID = Dictionary(categories.map { ($0.id, $0) }) { first, _ in first }
    }

    func children(of id: String?, _ language: String) -> [[String: Any]] {
        ordered.filter { $0.parentID == id }.map { ["id": $0.id, "name": $0.name(in: language)] }
    }

    func top(_ language: String) -> [[String: Any]] {
        ordered.filter { $0.parentID == nil }.map { category in
            let children = self.children(of: category.id, language)
            return ["id": category.id, "name": category.name(in: language), "children": children, "has_children": !children.isEmpty]
        }
    }

    /// The way down from the top to `id`, for the crumbs; `including` adds `id` itself.
    func parents(of id: String, _ language: String, including: Bool = false) -> [[String: Any]] {
        var chain: [Category] = []
        var next = including ? byID[id] : byID[id].flatMap { $0.parentID.flatMap { byID[$0] } }
        while let category = next, chain.count < 20 {
            chain.insert(category, at: 0)
            next = category.parentID.flatMap { byID[$0] }
        }
        return chain.map { ["id": $0.id, "name": $0.name(in: language)] }
    }
}
