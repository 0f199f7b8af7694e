import Foundation
import KefuContracts

/// A small Markdown renderer for article bodies that can never emit markup of the author's
/// own (docs/knowledge.md, "Safe Markdown"). Every character of the source is HTML-escaped; only
/// the renderer writes tags. Raw HTML in the source shows as text, and a link whose target is not
/// http, https or mailto shows as its text alone.
///
/// Blocks: ATX headings (`#` becomes `<h2>`, the page's `<h1>` being the title), paragraphs,
/// `-`/`*`/`+` and `1.` lists, `>` quotes, fenced code, `---` rules. Inline: `code`, **strong**,
/// *emphasis* or _emphasis_, [links](https://…), and `![alt](…)` as its alt text (the help
/// centre loads no images from elsewhere).
enum MarkdownRenderer {
    static func html(_ markdown: String) -> String {
        var output: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var quote: [String] = []
        var fence: [String]?

        func closeParagraph() {
            if !paragraph.isEmpty { output.append("<p>\(inline(paragraph.joined(separator: " ")))</p>") }
            paragraph = []
        }
        func closeList() {
            if let open = list {
                let tag = open.ordered ? "ol" : "ul"
                output.append("<\(tag)>" + open.items.map { "<li>\(inline($0))</li>" }.joined() + "</\(tag)>")
            }
            list = nil
        }
        func closeQuote() {
            if !quote.isEmpty { output.append("<blockquote>\(html(quote.joined(separator: "\n")))</blockquote>") }
            quote = []
        }
        func closeAll() { closeParagraph(); closeList(); closeQuote() }

        for rawLine in markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var lines = fence {
                if trimmed.hasPrefix("```") {
                    output.append("<pre><code>\(HTML.escape(lines.joined(separator: "\n")))</code></pre>")
                    fence = nil
                } else {
                    lines.append(line)
                    fence = lines
                }
                continue
            }
            if trimmed.hasPrefix("```") { closeAll(); fence = []; continue }
            if trimmed.isEmpty { closeAll(); continue }
            if trimmed.hasPrefix(">") {
                closeParagraph(); closeList()
                // Nested quotes are one level: rendering each level again would cost a pass per level.
                quote.append(String(trimmed.drop { $0 == ">" || $0 == " " }))
                continue
            }
            closeQuote()
            if let (level, text) = heading(trimmed) {
                closeAll()
                output.append("<h\(level)>\(inline(text))</h\(level)>")
            } else if trimmed.count >= 3, Set(trimmed.filter { $0 != " " }).count == 1, "-*_".contains(trimmed.first!) {
                closeAll()
                output.append("<hr>")
            } else if let (ordered, text) = listItem(trimmed) {
                closeParagraph()
                if list?.ordered != ordered { closeList() }
                list = (ordered, (list?.items ?? []) + [text])
            } else if list != nil, line.first == " " || line.first == "\t" {
                list!.items[list!.items.count - 1] += " " + trimmed  // a list item's continued line
            } else {
                closeList()
                paragraph.append(trimmed)
            }
        }
        if let lines = fence { output.append("<pre><code>\(HTML.escape(lines.joined(separator: "\n")))</code></pre>") }
        closeAll()
        return output.joined(separator: "\n")
    }

    /// A link target the help centre may point at: http, https or mailto, nothing else (no
    /// `javascript:`, `data:`, or relative paths that could be made to mean something else).
    static func isSafeLink(_ target: String) -> Bool {
        let lowered = target.lowercased()
        guard !lowered.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }) else { return false }
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://") || (lowered.hasPrefix("mailto:") && lowered.count > 7)
    }

    private static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return (min(6, hashes + 1), line.dropFirst(hashes).trimmingCharacters(in: .whitespaces))
    }

    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Inline spans of one block's text, escaped. Linear in the text: every search for a closing
    /// delimiter is remembered (`Scan`), so a run of unmatched `[`, `*` or backticks costs one
    /// pass, not one pass each; a link target is looked for within `targetLimit` characters.
    static func inline(_ text: String) -> String {
        let scan = Scan(Array(text))
        let characters = scan.characters
        var output = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\" where index + 1 < characters.count && (characters[index + 1].isPunctuation || characters[index + 1].isSymbol):
                output += HTML.escape(String(characters[index + 1]))
                index += 2
            case "`":
                if let end = scan.next("`", from: index + 1) {
                    output += "<code>\(HTML.escape(String(characters[(index + 1)..<end])))</code>"
                    index = end + 1
                } else {
                    output += "`"
                    index += 1
                }
            case "!" where index + 1 < characters.count && characters[index + 1] == "[":
                if let (label, _, end) = link(scan, at: index + 1) {
                    output += inline(label)
                    index = end
                } else {
                    output += "!"
                    index += 1
                }
            case "[":
                if let (label, target, end) = link(scan, at: index) {
                    output += isSafeLink(target)
                        ? "<a href=\"\(HTML.escape(target))\" rel=\"nofollow noopener noreferrer\">\(inline(label))</a>"
                        : inline(label)
                    index = end
                } else {
                    output += "["
                    index += 1
                }
            case "_" where index > 0 && (characters[index - 1].isLetter || characters[index - 1].isNumber):
                output += "_"
                index += 1
            case "*", "_":
                let double = index + 1 < characters.count && characters[index + 1] == character
                let marker = double ? String(repeating: character, count: 2) : String(character)
                if let end = closingEmphasis(marker, in: scan, from: index + marker.count), end > index + marker.count {
                    let inner = inline(String(characters[(index + marker.count)..<end]))
                    output += double ? "<strong>\(inner)</strong>" : "<em>\(inner)</em>"
                    index = end + marker.count
                } else {
                    output += HTML.escape(marker)
                    index += marker.count
                }
            default:
                output += HTML.escape(String(character))
                index += 1
            }
        }
        return output
    }

    static let targetLimit = 2048

    /// `[label](target)` starting at `start`: the label, the target and the index after it.
    private static func link(_ scan: Scan, at start: Int) -> (String, String, Int)? {
        let characters = scan.characters
        guard let close = scan.next("]", from: start + 1), close + 1 < characters.count,
              characters[close + 1] == "(", let end = closingParenthesis(characters, from: close + 2) else { return nil }
        let target = String(characters[(close + 2)..<end]).trimmingCharacters(in: .whitespaces)
        return (String(characters[(start + 1)..<close]), target, end + 1)
    }

    /// Where emphasis opened with `marker` closes: a marker not after a space and, for `_`, not
    /// inside a word (CommonMark's rule), so that `snake_case_names` stay as written.
    private static func closingEmphasis(_ marker: String, in scan: Scan, from start: Int) -> Int? {
        let characters = scan.characters
        return scan.next(marker, from: start, kind: "close") { found in
            let after = found + marker.count
            let inWord = marker.hasPrefix("_") && after < characters.count && (characters[after].isLetter || characters[after].isNumber)
            return !characters[found - 1].isWhitespace && !inWord
        }
    }

    /// The `)` that closes a link target, counting the target's own balanced parentheses.
    private static func closingParenthesis(_ characters: [Character], from start: Int) -> Int? {
        var depth = 0
        for index in start..<min(characters.count, start + targetLimit) {
            switch characters[index] {
            case "(": depth += 1
            case ")":
                if depth == 0 { return index }
                depth -= 1
            default: continue
            }
        }
        return nil
    }

    /// One block's characters, and the answers to searches already made: the next place a
    /// marker occurs (and passes `valid`) from some start holds for every start up to it.
    final class Scan {
        let characters: [Character]
        private var found: [String: (from: Int, at: Int?)] = [:]

        init(_ characters: [Character]) { self.characters = characters }

        func next(_ marker: String, from start: Int, kind: String = "find", valid: (Int) -> Bool = { _ in true }) -> Int? {
            let key = kind + marker
            if let known = found[key], start >= known.from, known.at.map({ start <= $0 }) ?? true { return known.at }
            let pattern = Array(marker)
            var index = start
            var result: Int?
            while index + pattern.count <= characters.count {
                if characters[index] == pattern[0], pattern.indices.allSatisfy({ characters[index + $0] == pattern[$0] }), valid(index) {
                    result = index
                    break
                }
                index += 1
            }
            found[key] = (start, result)
            return result
        }
    }
}
