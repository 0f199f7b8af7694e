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
/// their terms, so a rebuild after a change only counts. Each posting holds its saturated term
/// frequency already, so a query only adds `idf × weight` per posting into a flat array.
struct SearchIndex: Sendable {
    struct Options: Sendable {
        // Chosen on CLINC150 and xSID (docs/benchmarks.md, "Knowledge"): the recall barely moves
        // with them; what the articles say moves it.
        var k1 = 2.0
        var titleB = 0.5
        var bodyB = 0.75
        var titleWeight = 2.0
    }

    private struct Posting: Sendable {
        var slot: Int32
        /// `f · (k1 + 1) / (f + k1)`, f being the length-normalised, field-weighted frequency.
        var weight: Float
    }

    private struct Term: Sendable {
        var idf: Double
        var postings: [Posting]
    }

    let options: Options
    let documents: [IndexedDocument]
    private let terms: [String: Term]
    private let languages: [String]
    private let languageCodes: [UInt8]

    init(documents: [IndexedDocument], options: Options = Options()) {
        self.options = options
        self.documents = documents
        let count = max(1, documents.count)
        let averageTitle = max(1, Double(documents.reduce(0) { $0 + $1.titleTerms.count }) / Double(count))
        let averageBody = max(1, Double(documents.reduce(0) { $0 + $1.bodyTerms.count }) / Double(count))
        var postings: [String: [Posting]] = [:]
        for (slot, document) in documents.enumerated() {
            var counts: [String: (title: Int, body: Int)] = [:]
            for term in document.titleTerms { counts[term, default: (0, 0)].title += 1 }
            for term in document.bodyTerms { counts[term, default: (0, 0)].body += 1 }
            let titleNorm = 1 - options.titleB + options.titleB * Double(document.titleTerms.count) / averageTitle
            let bodyNorm = 1 - options.bodyB + options.bodyB * Double(document.bodyTerms.count) / averageBody
            for (term, count) in counts {
                let frequency = options.titleWeight * Double(count.title) / titleNorm + Double(count.body) / bodyNorm
                postings[term, default: []].append(Posting(slot: Int32(slot),
                                                           weight: Float(frequency * (options.k1 + 1) / (frequency + options.k1))))
            }
        }
        let total = Double(documents.count)
        terms = postings.mapValues { list in
            Term(idf: log(1 + (total - Double(list.count) + 0.5) / (Double(list.count) + 0.5)), postings: list)
        }
        languages = Array(Set(documents.map(\.language))).sorted()
        let codes = Dictionary(uniqueKeysWithValues: languages.enumerated().map { ($1, UInt8($0)) })
        languageCodes = documents.map { codes[$0.language]! }
    }

    var count: Int { documents.count }

    private func idf(_ term: String) -> Double {
        terms[term]?.idf ?? log(1 + (Double(documents.count) + 0.5) / 0.5)
    }

    /// The best `limit` documents for `query` that pass `filter`, best first; each article once
    /// (in its best-scoring language when the filter names none).
    func search(_ query: String, filter: SearchFilter, limit: Int) -> [SearchHit] {
        let queryTerms = Set(Tokenizer.terms(query, for: .query))
        guard !queryTerms.isEmpty, !documents.isEmpty, limit > 0 else { return [] }
        var scores = [Float](repeating: 0, count: documents.count)
        var touched: [Int32] = []
        var ceiling = 0.0
        for term in queryTerms {
            ceiling += idf(term) * (options.k1 + 1)
            guard let entry = terms[term] else { continue }
            let idf = Float(entry.idf)
            for posting in entry.postings {
                let slot = Int(posting.slot)
                if scores[slot] == 0 { touched.append(posting.slot) }
                scores[slot] += idf * posting.weight
            }
        }
        let language: UInt8? = filter.language.map { wanted in languages.firstIndex(of: wanted).map(UInt8.init) ?? .max }
        // The best few, kept sorted: enough to fill `limit` articles even if each comes in both languages.
        var top: [(slot: Int, score: Double)] = []
        let room = limit * 2
        for slot32 in touched {
            let slot = Int(slot32)
            let document = documents[slot]
            let score = Double(scores[slot]) * document.boost
            if top.count == room, let last = top.last, score <= last.score { continue }
            guard language.map({ $0 == languageCodes[slot] }) ?? true, filter.visibilities.contains(document.visibility),
                  filter.category.map({ document.category == $0 }) ?? true, document.applies(to: filter.product) else { continue }
            let position = top.firstIndex { $0.score < score } ?? top.count
            top.insert((slot, score), at: position)
            if top.count > room { top.removeLast() }
        }
        var seen = Set<String>()
        var hits: [SearchHit] = []
        for (slot, score) in top where hits.count < limit {
            let document = documents[slot]
            guard seen.insert(document.articleID).inserted else { continue }
            let coverage = min(1, score / ceiling)
            hits.append(SearchHit(articleID: document.articleID, language: document.language, title: document.title,
                                  visibility: document.visibility, score: score,
                                  relevance: (coverage + titleCoverage(of: document, by: queryTerms)) / 2))
        }
        return hits
    }

    /// The share of a document's title terms, weighted by idf, that the query holds. Single CJK
    /// characters count only when the query has them too.
    private func titleCoverage(of document: IndexedDocument, by queryTerms: Set<String>) -> Double {
        var matched = 0.0, all = 0.0
        for term in Set(document.titleTerms) {
            if Tokenizer.isUnigram(term), !queryTerms.contains(term) { continue }
            let weight = idf(term)
            all += weight
            if queryTerms.contains(term) { matched += weight }
        }
        return all > 0 ? min(1, matched / all) : 0
    }
}
