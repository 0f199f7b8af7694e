import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// `GET /v1/search`: public articles for any token, internal ones and drafts for staff who ask.
enum SearchRoutes {
    struct Result: Encodable, Sendable {
        let id: String
        let title: String
        let language: String
        let visibility: String
        let score: Double
        let relevance: Double
    }

    static func add(to router: Router<KefuRequestContext>, index: ArticleIndex) {
        router.get("/v1/search") { request, context -> Response in
            guard context.token != nil else { throw Problem(AuthError(.missing)) }
            let query = request.uri.queryParameters
            let text = try request.requiredQuery("q")
            guard text.count <= 1000 else { throw Problem.invalid([FieldError(field: "q", message: "at most 1000 characters")]) }
            var filter = SearchFilter()
            if let language = query.get("lang") {
                guard let normalised = ArticleLanguage.normalised(language) else {
                    throw Problem.invalid([FieldError(field: "lang", message: "must be zh-CN or en")])
                }
                filter.language = normalised
            }
            filter.product = query.get("product")
            filter.category = query.get("category")
            if let visibility = query.get("visibility") {
                let asked = visibility.split(separator: ",").map { Visibility(rawValue: String($0)) }
                guard !asked.isEmpty, asked.allSatisfy({ $0 != nil }) else {
                    throw Problem.invalid([FieldError(field: "visibility", message: "draft, internal or public, separated by commas")])
                }
                filter.visibilities = Set(asked.compactMap { $0 })
                if filter.visibilities != [.public] { try context.requireStaff(.agentsWork) }
            }
            var limit = 10
            if let text = query.get("limit") {
                guard let parsed = Int(text), (1...50).contains(parsed) else {
                    throw Problem.invalid([FieldError(field: "limit", message: "must be from 1 to 50")])
                }
                limit = parsed
            }
            let hits = index.search(text, filter: filter, limit: limit)
            return try Response.json(hits.map {
                Result(id: $0.articleID, title: $0.title, language: $0.language, visibility: $0.visibility.rawValue,
                       score: ($0.score * 1000).rounded() / 1000, relevance: ($0.relevance * 1000).rounded() / 1000)
            })
        }
    }
}
