import Foundation
import KefuContracts

/// Picks the articles to suggest for a ticket: the best `count` whose relevance reaches the
/// floor, among internal and public articles in the ticket's language (any language when the
/// ticket names none) that apply to its product.
struct Suggester: Sendable {
    let index: ArticleIndex
    let configuration: KnowledgeConfiguration

    func suggest(subject: String?, body: String, language: String?, product: String?, token: String) -> [TicketSuggestions.Article] {
        let filter = SearchFilter(language: ArticleLanguage.normalised(language), visibilities: [.public, .internal], product: product)
        let text = [subject, body].compactMap { $0 }.joined(separator: "\n")
        return index.search(text, filter: filter, limit: configuration.suggestionCount)
            .filter { $0.relevance >= configuration.suggestionFloor }
            .map { hit in
                TicketSuggestions.Article(
                    id: hit.articleID, title: hit.title, language: hit.language, visibility: hit.visibility.rawValue,
                    score: (hit.relevance * 1000).rounded() / 1000,
                    url: hit.visibility == .public ? configuration.articleURL(hit.articleID, language: hit.language, token: token) : nil)
            }
    }
}
