import HTTPTypes
import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

extension ArticleRoutes {
    struct FromTicket: Decodable, Sendable {
        var ticketNumber: String
        var title: String?
        var language: String?
        /// More text to take out, such as the customer's name as the console shows it.
        var redact: [String]?
        enum CodingKeys: String, CodingKey {
            case title, language, redact
            case ticketNumber = "ticket_number"
        }
    }

    static func addImport(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, index: ArticleIndex) {
        router.post("/v1/articles/import") { request, context -> Response in
            let token = try context.requireStaff(.supervise)
            let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
            let text = String(decoding: try await request.bodyBytes(limit: 32 << 20), as: UTF8.self)
            let entries: [ArticleImport.Entry]
            switch type {
            case "application/x-ndjson", "application/jsonl", "application/json-lines":
                let parsed = ArticleImport.jsonLines(text)
                guard parsed.errors.isEmpty else { throw Problem.invalid(parsed.errors) }
                entries = parsed.entries
            case "text/markdown":
                let parsed = ArticleImport.markdown(text)
                guard parsed.errors.isEmpty, let entry = parsed.entry else { throw Problem.invalid(parsed.errors) }
                entries = [entry]
            default:
                throw Problem(.unsupportedMediaType, title: "Unsupported media type",
                              detail: "send application/x-ndjson (one article a line) or text/markdown (one file with front matter)")
            }
            let outcome = try await runtime.transaction { work in try ArticleImport.apply(entries, by: token.subject, in: work) }
            try await index.refresh(with: runtime.pool)
            return try Response.json(outcome, status: .created)
        }

        // An agent turns a resolved ticket into a draft: its problem and resolution, without the
        // customer's details; a supervisor reviews and publishes it.
        router.post("/v1/articles/from-ticket") { request, context -> Response in
            let token = try context.requireStaff(.agentsWork)
            let body = try await request.decodeJSON(FromTicket.self)
            let article = try await runtime.transaction { work -> Article in
                guard let ticket = try TicketStore.load(body.ticketNumber, on: work.connection) else {
                    throw Problem.invalid([FieldError(field: "/ticket_number", message: "no ticket of this number is known here")])
                }
                guard let resolution = ticket.resolution, ticket.resolvedAt != nil else {
                    throw Problem.conflict("Not resolved", detail: "only a resolved ticket with a resolution becomes an article")
                }
                let language = ArticleLanguage.normalised(body.language) ?? ticket.language ?? "zh-CN"
                let draft = TicketDraft(ticket: ticket, resolution: resolution, language: language, title: body.title,
                                        redact: body.redact ?? [])
                let input = try validated(draft.input, by: token, replacing: nil)
                return try ArticleStore.create(input, by: token.subject, sourceTicket: ticket.number, in: work)
            }
            try await index.refresh(with: runtime.pool)
            return try Response.json(article, status: .created)
        }
    }
}

/// The draft article a resolved ticket makes.
struct TicketDraft {
    let ticket: KnownTicket
    let resolution: String
    let language: String
    let title: String?
    let redact: [String]

    var input: ArticleInput {
        let english = language == "en"
        let problem = [ticket.subject, ticket.body].compactMap { $0 }.joined(separator: "\n\n")
        let body = """
            ## \(english ? "Problem" : "问题")

            \(Redactor.redact(problem, known: redact))

            ## \(english ? "Solution" : "解决方法")

            \(Redactor.redact(resolution, known: redact))
            """
        let fallback = Redactor.redact(ticket.subject ?? String(ticket.body.prefix(60)), known: redact)
        return ArticleInput(key: nil, category: nil, tags: [], products: ticket.productModel.map { [$0] } ?? [],
                            visibility: .draft,
                            translations: [language: Translation(title: String((title ?? fallback).prefix(ArticleInput.titleLimit)),
                                                                 body: body)],
                            revision: nil)
    }
}
