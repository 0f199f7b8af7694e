import Foundation

/// One language version of an article, as the index sees it.
struct IndexedDocument: Sendable, Equatable {
    var articleID: String
    var language: String
    var revision: Int
    var visibility: Visibility
    var category: String?
    /// Product model prefixes the article applies to; empty applies to every product.
    var products: [String]
    var title: String
    var titleTerms: [String]
    var bodyTerms: [String]
    /// From feedback: above 1 for articles that helped, below for ones that did not.
    var boost: Double

    init(articleID: String, language: String, revision: Int, visibility: Visibility, category: String?, products: [String],
         title: String, body: String, tags: [String], boost: Double) {
        self.articleID = articleID
        self.language = language
        self.revision = revision
        self.visibility = visibility
        self.category = category
        self.products = products
        self.title = title
        // Tags weigh as much as the title: they are what an editor says the article is about.
        titleTerms = Tokenizer.terms(([title] + tags).joined(separator: " "), for: .indexing)
        bodyTerms = Tokenizer.terms(body, for: .indexing)
        self.boost = boost
    }

    func applies(to product: String?) -> Bool {
        guard let product, !products.isEmpty else { return true }
        let model = product.lowercased()
        return products.contains { model.hasPrefix($0.lowercased()) }
    }
}

/// What a search asks for besides the words.
struct SearchFilter: Sendable {
    var language: String?
    var visibilities: Set<Visibility> = [.public]
    var product: String?
    var category: String?
}

struct SearchHit: Sendable, Equatable {
    var articleID: String
    var language: String
    var title: String
    var visibility: Visibility
    /// BM25F, times the feedback boost: comparable only within one query.
    var score: Double
    /// From 0 to 1, comparable across queries, which is what a suggestion's floor needs: the mean
    /// of how much of the query the article covers (its score over the most the query's terms
    /// could score) and how much of the article's title the query covers (by idf). A long ticket
    /// covers little of any one article's terms, but all of the right article's title.
    var relevance: Double
}

/// An immutable BM25F index over a set of documents (docs/knowledge.md, "Ranking"): a title
/// term counts `titleWeight` times a body term, each field normalised by its own length, and
/// an article's feedback boost multiplies its score. Built whole from the documents, which keep
/// their terms, so a rebuild after a change only counts.
struct SearchIndex: Sendable {
    struct Options: Sendable {
        var k1 = 1.2
        var titleB = 0.5
        var bodyB = 0.75
        var titleWeight = 3.0
    }

    private struct Posting: Sendable {
        var slot: Int32
        var title: UInt16
        var body: UInt16
    }

    let options: Options
    let documents: [IndexedDocument]
    private let postings: [String: [Posting]]
    private let titleLengths: [Float]
    private let bodyLengths: [Float]
    private let averageTitle: Double
    private let averageBody: Double

    init(documents: [IndexedDocument], options: Options = Options()) {
        self.options = options
        self.documents = documents
        var postings: [String: [Posting]] = [:]
        for (slot, document) in documents.enumerated() {
            var counts: [String: (title: Int, body: Int)] = [:]
            for term in document.titleTerms { counts[term, default: (0, 0)].title += 1 }
            for term in document.bodyTerms { counts[term, default: (0, 0)].body += 1 }
            for (term, count) in counts {
                postings[term, default: []].append(Posting(slot: Int32(slot), title: UInt16(min(count.title, 65535)),
                                                           body: UInt16(min(count.body, 65535))))
            }
        }
        self.postings = postings
        titleLengths = documents.map { Float($0.titleTerms.count) }
        bodyLengths = documents.map { Float($0.bodyTerms.count) }
        averageTitle = max(1, titleLengths.reduce(0) { $0 + Double($1) } / Double(max(1, documents.count)))
        averageBody = max(1, bodyLengths.reduce(0) { $0 + Double($1) } / Double(max(1, documents.count)))
    }

    var count: Int { documents.count }

    private func idf(_ term: String) -> Double {
        let total = Double(documents.count), frequency = Double(postings[term]?.count ?? 0)
        return log(1 + (total - frequency + 0.5) / (frequency + 0.5))
    }

    /// The best `limit` documents for `query` that pass `filter`, best first; each article once
    /// (in its best-scoring language when the filter names none).
    func search(_ query: String, filter: SearchFilter, limit: Int) -> [SearchHit] {
        let terms = Set(Tokenizer.terms(query, for: .query))
        guard !terms.isEmpty, !documents.isEmpty, limit > 0 else { return [] }
        var scores: [Int32: Double] = [:]
        var ceiling = 0.0
        for term in terms {
            let idf = idf(term)
            ceiling += idf * (options.k1 + 1)
            for posting in postings[term] ?? [] {
                let slot = Int(posting.slot)
                let title = Double(posting.title) / (1 - options.titleB + options.titleB * Double(titleLengths[slot]) / averageTitle)
                let body = Double(posting.body) / (1 - options.bodyB + options.bodyB * Double(bodyLengths[slot]) / averageBody)
                let frequency = options.titleWeight * title + body
                scores[posting.slot, default: 0] += idf * frequency * (options.k1 + 1) / (frequency + options.k1)
            }
        }
        var best: [String: (hit: SearchHit, slot: Int)] = [:]
        for (slot, score) in scores {
            let document = documents[Int(slot)]
            guard filter.visibilities.contains(document.visibility),
                  filter.language.map({ $0 == document.language }) ?? true,
                  filter.category.map({ document.category == $0 }) ?? true,
                  document.applies(to: filter.product) else { continue }
            let hit = SearchHit(articleID: document.articleID, language: document.language, title: document.title,
                                visibility: document.visibility, score: score * document.boost,
                                relevance: min(1, score * document.boost / ceiling))
            if let kept = best[hit.articleID], kept.hit.score >= hit.score { continue }
            best[hit.articleID] = (hit, Int(slot))
        }
        let ranked = best.values.sorted {
            $0.hit.score != $1.hit.score ? $0.hit.score > $1.hit.score : $0.hit.articleID < $1.hit.articleID
        }.prefix(limit)
        return ranked.map { entry in
            var hit = entry.hit
            hit.relevance = (hit.relevance + titleCoverage(of: documents[entry.slot], by: terms)) / 2
            return hit
        }
    }

    /// The share of a document's title terms, weighted by idf, that the query holds. Single CJK
    /// characters count only when the query has them too.
    private func titleCoverage(of document: IndexedDocument, by terms: Set<String>) -> Double {
        var matched = 0.0, all = 0.0
        for term in Set(document.titleTerms) {
            if Tokenizer.isUnigram(term), !terms.contains(term) { continue }
            let weight = idf(term)
            all += weight
            if terms.contains(term) { matched += weight }
        }
        return all > 0 ? min(1, matched / all) : 0
    }
}
