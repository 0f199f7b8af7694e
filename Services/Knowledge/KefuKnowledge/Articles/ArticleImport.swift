import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Bulk import (docs/knowledge.md, "Import"): JSON lines of articles, or Markdown files with
/// front matter. Entries with a `key` update the article of that key, merging translations (a
/// file per language makes one article); entries without one make new articles. All or nothing:
/// any bad entry refuses the whole import, naming each problem.
enum ArticleImport {
    struct Entry: Sendable {
        var input: ArticleInput
        /// Fields the entry named; the others keep what an existing article has.
        var given: Set<String>
    }

    struct Outcome: Codable, Sendable {
        var created: Int
        var updated: Int
        var ids: [String]
    }

    static func jsonLines(_ text: String) -> (entries: [Entry], errors: [FieldError]) {
        var entries: [Entry] = []
        var errors: [FieldError] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            let pointer = "/lines/\(number + 1)"
            do {
                let input = try KefuJSON.decode(ArticleInput.self, from: Array(trimmed.utf8))
                let object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] ?? [:]
                errors += input.problems.map { FieldError(field: pointer + $0.field, message: $0.message) }
                entries.append(Entry(input: input, given: Set(object.keys)))
            } catch let error as DecodingError {
                let field = error.fieldError
                errors.append(FieldError(field: pointer + (field?.field ?? ""), message: field?.message ?? "is not a JSON object"))
            } catch {
                errors.append(FieldError(field: pointer, message: "is not a JSON object"))
            }
        }
        if entries.isEmpty && errors.isEmpty { errors.append(FieldError(field: "/lines", message: "no articles to import")) }
        return (entries, errors)
    }

    /// One Markdown file: `---` front matter (`key`, `language`, `title`, `category`, `tags`,
    /// `products`, `visibility`), then the body.
    static func markdown(_ text: String, pointer: String = "") -> (entry: Entry?, errors: [FieldError]) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            return (nil, [FieldError(field: pointer + "/front_matter", message: "start the file with front matter between two --- lines")])
        }
        var fields: [String: String] = [:]
        var errors: [FieldError] = []
        for line in lines[1..<end] where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                errors.append(FieldError(field: pointer + "/front_matter", message: "each line is name: value"))
                continue
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields[name] = unquoted(value)
        }
        let known: Set = ["key", "language", "title", "category", "tags", "products", "visibility"]
        for name in fields.keys.sorted() where !known.contains(name) {
            errors.append(FieldError(field: pointer + "/front_matter/\(name)", message: "is not a field articles have"))
        }
        guard let language = ArticleLanguage.normalised(fields["language"]) else {
            return (nil, errors + [FieldError(field: pointer + "/front_matter/language", message: "must be zh-CN or en")])
        }
        var visibility: Visibility?
        if let text = fields["visibility"] {
            visibility = Visibility(rawValue: text)
            if visibility == nil {
                errors.append(FieldError(field: pointer + "/front_matter/visibility", message: "must be draft, internal or public"))
            }
        }
        let body = lines[(end + 1)...].joined(separator: "\n").trimmingCharacters(in: .newlines)
        let input = ArticleInput(key: fields["key"], category: fields["category"], tags: fields["tags"].map(list),
                                 products: fields["products"].map(list), visibility: visibility,
                                 translations: [language: Translation(title: fields["title"] ?? "", body: body)], revision: nil)
        errors += input.problems.map { problem in
            let field = problem.field.hasSuffix("/body") ? "/body"
                : problem.field.hasSuffix("/title") ? "/front_matter/title" : "/front_matter" + problem.field
            return FieldError(field: pointer + field, message: problem.message)
        }
        var given: Set<String> = ["translations"]
        for (name, key) in [("key", "key"), ("category", "category"), ("tags", "tags"), ("products", "products"),
                            ("visibility", "visibility")] where fields[name] != nil { given.insert(key) }
        return (Entry(input: input, given: given), errors)
    }

    /// Writes the entries in one transaction: an entry whose key names an article updates it.
    static func apply(_ entries: [Entry], by editor: String, in work: UnitOfWork) throws -> Outcome {
        var outcome = Outcome(created: 0, updated: 0, ids: [])
        for entry in entries {
            if let key = entry.input.key, let existing = try ArticleStore.load(key: key, on: work.connection) {
                var merged = existing.input
                merged.translations.merge(entry.input.translations) { _, new in new }
                if entry.given.contains("category") { merged.category = entry.input.category }
                if entry.given.contains("tags") { merged.tags = entry.input.tags }
                if entry.given.contains("products") { merged.products = entry.input.products }
                if entry.given.contains("visibility") { merged.visibility = entry.input.visibility }
                let article = try ArticleStore.replace(UUID(uuidString: existing.id)!, with: merged.normalised, by: editor,
                                                       action: "imported", in: work)
                outcome.updated += 1
                outcome.ids.append(article.id)
            } else {
                let article = try ArticleStore.create(entry.input.normalised, by: editor, in: work)
                outcome.created += 1
                outcome.ids.append(article.id)
            }
        }
        return outcome
    }

    private static func list(_ value: String) -> [String] {
        var text = value
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        return text.split(separator: ",").map { unquoted($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
    }

    private static func unquoted(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}
