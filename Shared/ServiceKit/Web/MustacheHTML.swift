public import Mustache
import KefuContracts

/// HTML escaping for Mustache templates by Unicode scalar, as `HTML.escape` does. swift-mustache's
/// own HTML escaping compares whole `Character`s, so `"` with a combining accent after it, or `<`
/// after U+0600, passes through unescaped; a browser still reads the quote or the bracket.
public struct MustacheHTML: MustacheContentType {
    public static let name = "KefuHTML"
    /// Put first in every template: `{{% CONTENT_TYPE: KefuHTML}}`.
    public static let pragma = "{{% CONTENT_TYPE: \(name)}}"

    public init() {}

    public func escapeText(_ text: String) -> String { HTML.escape(text) }

    /// A library of `templates`, each escaping with `MustacheHTML`.
    public static func library(_ templates: [String: String]) throws -> MustacheLibrary {
        MustacheContentTypes.register(MustacheHTML(), named: name)
        var library = MustacheLibrary()
        for (name, text) in templates { try library.register(pragma + text, named: name) }
        return library
    }
}
