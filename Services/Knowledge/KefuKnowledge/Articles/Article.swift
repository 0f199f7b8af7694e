import Foundation
import KefuContracts

/// Who may read an article: nobody but its editors (`draft`), staff (`internal`), or everyone,
/// in the help centre and in customers' messages (`public`).
enum Visibility: String, Codable, Sendable, CaseIterable {
    case draft, `internal`, `public`
}

/// The languages an article can be written in; each is a version of the same article.
enum ArticleLanguage {
    static let all = ["zh-CN", "en"]

    /// `zh`, `zh-cn`, `zh-Hans` → `zh-CN`; `en-GB` → `en`; anything else nil.
    static func normalised(_ tag: String?) -> String? {
        guard let tag = tag?.lowercased(), !tag.isEmpty else { return nil }
        if tag.hasPrefix("zh") { return "zh-CN" }
        if tag.hasPrefix("en") { return "en" }
        return nil
    }
}

/// One language version of an article.
struct Translation: Codable, Sendable, Equatable {
    var title: String
    /// Markdown, rendered by `MarkdownRenderer`.
    var body: String
}

/// What an editor sends to create or replace an article.
struct ArticleInput: Codable, Sendable, Equatable {
    /// An optional stable name, unique among articles, that imports match on.
    var key: String?
    var category: String?
    var tags: [String]?
    var products: [String]?
    var visibility: Visibility?
    var translations: [String: Translation]
    /// For replacing: the revision the editor started from; a newer one is a 409.
    var revision: Int?

    enum CodingKeys: String, CodingKey {
        case key, category, tags, products, visibility, translations, revision
    }

    static let titleLimit = 200
    static let bodyLimit = 100_000
    static let tagLimit = 40
    static let listLimit = 50

    /// Every field problem, named by JSON pointer.
    var problems: [FieldError] {
        var errors: [FieldError] = []
        if translations.isEmpty {
            errors.append(FieldError(field: "/translations", message: "give at least one of zh-CN or en"))
        }
        for (language, translation) in translations.sorted(by: { $0.key < $1.key }) {
            guard ArticleLanguage.all.contains(language) else {
                errors.append(FieldError(field: "/translations/\(language)", message: "must be zh-CN or en"))
                continue
            }
            let title = translation.title.trimmingCharacters(in: .whitespacesAndNewlines)
            if title.isEmpty { errors.append(FieldError(field: "/translations/\(language)/title", message: "must not be empty")) }
            if title.count > Self.titleLimit {
                errors.append(FieldError(field: "/translations/\(language)/title", message: "at most \(Self.titleLimit) characters"))
            }
            if translation.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.append(FieldError(field: "/translations/\(language)/body", message: "must not be empty"))
            }
            if translation.body.count > Self.bodyLimit {
                errors.append(FieldError(field: "/translations/\(language)/body", message: "at most \(Self.bodyLimit) characters"))
            }
        }
        if let key, !Self.isSlug(key, limit: 80) {
            errors.append(FieldError(field: "/key", message: "lower-case letters, digits and dashes, at most 80"))
        }
        if let category, !Self.isSlug(category, limit: 40) {
            errors.append(FieldError(field: "/category", message: "must be a category id"))
        }
        errors += Self.listProblems(tags ?? [], field: "/tags", limit: Self.tagLimit)
        errors += Self.listProblems(products ?? [], field: "/products", limit: 64)
        if let revision, revision < 1 { errors.append(FieldError(field: "/revision", message: "must be 1 or more")) }
        return errors
    }

    private static func listProblems(_ values: [String], field: String, limit: Int) -> [FieldError] {
        var errors: [FieldError] = []
        if values.count > listLimit { errors.append(FieldError(field: field, message: "at most \(listLimit) entries")) }
        for (index, value) in values.enumerated() {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.count > limit {
                errors.append(FieldError(field: "\(field)/\(index)", message: "1 to \(limit) characters, not blank"))
            }
        }
        return errors
    }

    static func isSlug(_ text: String, limit: Int) -> Bool {
        !text.isEmpty && text.count <= limit && text.first != "-"
            && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    /// Titles trimmed, tags and products trimmed and without repeats, in the order given.
    var normalised: ArticleInput {
        var copy = self
        copy.translations = translations.mapValues {
            Translation(title: $0.title.trimmingCharacters(in: .whitespacesAndNewlines), body: $0.body)
        }
        copy.tags = Self.unique(tags ?? [])
        copy.products = Self.unique(products ?? [])
        copy.visibility = visibility ?? .draft
        return copy
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { seen.insert($0.lowercased()).inserted }
    }
}

/// An article as the API answers it.
struct Article: Codable, Sendable, Equatable {
    /// Lower-case, as every Kefu id is on the wire.
    var id: String
    var key: String?
    var category: String?
    var tags: [String]
    var products: [String]
    var visibility: Visibility
    var translations: [String: Translation]
    var revision: Int
    var sourceTicket: String?
    var createdBy: String
    var updatedBy: String
    var createdAt: Date
    var updatedAt: Date
    var helpful: Int
    var unhelpful: Int

    enum CodingKeys: String, CodingKey {
        case id, key, category, tags, products, visibility, translations, revision, helpful, unhelpful
        case sourceTicket = "source_ticket"
        case createdBy = "created_by"
        case updatedBy = "updated_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The translation for `language`, or the other one when it has none.
    func translation(preferring language: String?) -> (language: String, translation: Translation)? {
        if let language, let translation = translations[language] { return (language, translation) }
        return ArticleLanguage.all.lazy.compactMap { language in self.translations[language].map { (language, $0) } }.first
    }

    /// The article's documents for the search index, one per language.
    func documents(boost: Double) -> [IndexedDocument] {
        translations.map { language, translation in
            IndexedDocument(articleID: id, language: language, revision: revision, visibility: visibility, category: category,
                            products: products, title: translation.title, body: translation.body, tags: tags, boost: boost)
        }
    }

    /// Feedback's weight in the ranking: at most a fifth up or down, and only as feedback
    /// accumulates (docs/knowledge.md, "Feedback").
    static func boost(positive: Int, negative: Int) -> Double {
        1 + 0.2 * Double(positive - negative) / Double(positive + negative + 10)
    }
}
