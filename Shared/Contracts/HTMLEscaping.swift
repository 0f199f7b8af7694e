/// Text put into HTML that Kefu writes: mail parts, survey pages, reports.
public enum HTML {
    /// Escapes the five characters that could end an element or an attribute value. It goes by
    /// Unicode scalar, not by `Character`: a grapheme such as U+0600 followed by `<`, or `"`
    /// followed by a combining accent, is one `Character` equal to neither, yet a browser reads
    /// the `<` or `"` in it all the same.
    public static func escape(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
