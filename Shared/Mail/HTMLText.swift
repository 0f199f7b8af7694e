/// Readable plain text from an HTML mail body: what a person would read on screen, with block
/// elements on lines of their own and no markup, scripts or styles.
public enum HTMLText {
    public static func plainText(from html: String) -> String {
        var output = ""
        var scalars = Array(html.unicodeScalars)[...]
        var skipUntil: String?

        while let scalar = scalars.first {
            if scalar == "<" {
                guard let close = scalars.firstIndex(of: ">") else { break }
                let tag = String(String.UnicodeScalarView(scalars[(scalars.startIndex + 1)..<close]))
                scalars = scalars[(close + 1)...]
                let name = tagName(tag)
                if let skipping = skipUntil {
                    if name == "/" + skipping { skipUntil = nil }
                    continue
                }
                switch name {
                case "script", "style", "head", "title": if !tag.hasSuffix("/") { skipUntil = name }
                case "br", "br/": output += "\n"
                case "li": output += "\n- "
                case "p", "/p", "div", "/div", "tr", "/tr", "table", "/table", "ul", "/ul", "ol", "/ol",
                     "h1", "/h1", "h2", "/h2", "h3", "/h3", "h4", "/h4", "h5", "/h5", "h6", "/h6",
                     "blockquote", "/blockquote", "hr", "pre", "/pre":
                    output += "\n"
                case "td", "th": output += " "
                default: break
                }
            } else if scalar == "&" {
                let (text, rest) = entity(in: scalars)
                if skipUntil == nil { output += text }
                scalars = rest
            } else {
                if skipUntil == nil { output.unicodeScalars.append(scalar) }
                scalars = scalars.dropFirst()
            }
        }
        return tidy(output)
    }

    private static func tagName(_ tag: String) -> String {
        if tag.hasPrefix("!") || tag.hasPrefix("?") { return "!" }
        let name = tag.prefix { !$0.isWhitespace && $0 != ">" }.lowercased()
        return name.hasSuffix("/") && name.count > 1 ? String(name.dropLast()) : name
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "reg": "®",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "middot": "·", "bull": "•", "yen": "¥", "euro": "€", "times": "×",
    ]

    /// The text of the character reference at the start of `scalars`, and what follows it.
    private static func entity(in scalars: ArraySlice<Unicode.Scalar>)
        -> (String, ArraySlice<Unicode.Scalar>) {
        let body = scalars.dropFirst().prefix(12)
        guard let semicolon = body.firstIndex(of: ";") else { return ("&", scalars.dropFirst()) }
        let name = String(String.UnicodeScalarView(body[body.startIndex..<semicolon]))
        let rest = scalars[(semicolon + 1)...]
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            if let value, let decoded = Unicode.Scalar(value) { return (String(Character(decoded)), rest) }
        } else if let text = named[name.lowercased()] {
            return (text, rest)
        }
        return ("&", scalars.dropFirst())
    }

    /// Collapses the blanks that markup leaves: one space between words, at most one empty line.
    private static func tidy(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{A0}" })
            let collapsed = words.joined(separator: " ")
            if collapsed.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(collapsed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
