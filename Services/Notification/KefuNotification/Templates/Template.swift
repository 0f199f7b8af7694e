import Foundation
import KefuContracts

/// A message template for one event, channel and language. Placeholders are `{{name}}`; the
/// value put in is escaped for where it lands: HTML-escaped in the HTML part, made one line in
/// the subject, as is in plain text and SMS.
struct Template: Codable, Sendable, Hashable {
    var subject: String?
    var text: String
    var html: String?

    struct Rendered: Codable, Sendable, Hashable {
        var subject: String?
        var text: String
        var html: String?
    }

    enum Escaping {
        case none, html, header, json, form
    }

    func render(_ values: [String: String]) -> Rendered {
        Rendered(subject: subject.map { Self.fill($0, values, .header) },
                 text: Self.fill(text, values, .none),
                 html: html.map { Self.fill($0, values, .html) })
    }

    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// `text` with each `{{name}}` replaced by its escaped value; an unknown name becomes empty.
    static func fill(_ text: String, _ values: [String: String], _ escaping: Escaping) -> String {
        var output = ""
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            output += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += escape(values[name] ?? "", escaping)
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    static func escape(_ value: String, _ escaping: Escaping) -> String {
        switch escaping {
        case .none:
            return value
        case .html:
            return HTML.escape(value)
        case .header:
            // A line break in a value must never start a new header.
            return String(String.UnicodeScalarView(value.unicodeScalars.map {
                $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0
            }))
        case .json:
            let encoded = (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
            return String(encoded.dropFirst().dropLast())
        case .form:
            let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
            return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }
    }
}
