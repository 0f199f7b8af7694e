import Foundation

/// The console's two languages. A person's choice wins; until they make one, the browser's
/// `Accept-Language` decides, and Chinese is the default.
enum Language: String, Sendable, CaseIterable {
    case zh = "zh-CN"
    case en

    init?(_ tag: String?) {
        guard let tag = tag?.lowercased() else { return nil }
        if tag.hasPrefix("zh") { self = .zh } else if tag.hasPrefix("en") { self = .en } else { return nil }
    }

    /// The first of the browser's languages the console speaks, by quality.
    init(acceptLanguage header: String?) {
        let ranked = (header ?? "").split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }.sorted { $0.1 > $1.1 }
        self = ranked.lazy.compactMap { Language($0.0) }.first ?? .zh
    }

    /// Words that only one page uses, given in both languages where they are used.
    func say(_ english: String, _ chinese: String) -> String {
        self == .en ? english : chinese
    }

    func text(_ key: Text) -> String {
        let pair = Texts.all[key] ?? (key.rawValue, key.rawValue)
        return self == .en ? pair.en : pair.zh
    }

    /// Every text of the page, for templates: `{{t.sign_in}}`.
    var texts: [String: String] {
        Dictionary(uniqueKeysWithValues: Text.allCases.map { ($0.rawValue, text($0)) })
    }
}
