import Foundation

/// Takes a customer's details out of text that may become an article: email addresses, phone
/// and other long numbers (order, card and identity numbers alike), and the customer's own
/// name, phone and email as the ticket named them.
enum Redactor {
    static func redact(_ text: String, known: [String?] = []) -> String {
        var result = text
        let names = known.compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { $0.count >= 2 }
        // Whole names first, then a Latin name's parts ("Alice Wong" also as "Alice" and "Wong").
        let parts = names.flatMap { name in name.split(separator: " ").map(String.init).filter { $0.count >= 3 } }
        for name in (names + parts).sorted(by: { $0.count > $1.count }) {
            // A Latin name only as a whole word ("Tom" leaves "tomorrow" alone); Chinese has no
            // spaces to find words by, so a Chinese name goes wherever it stands.
            if name.allSatisfy({ $0.isASCII }) {
                result = result.replacingOccurrences(of: "\\b\(NSRegularExpression.escapedPattern(for: name))\\b", with: "[customer]",
                                                     options: [.regularExpression, .caseInsensitive])
            } else {
                result = result.replacingOccurrences(of: name, with: "[customer]", options: [.caseInsensitive])
            }
        }
        result = result.replacing(#/[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/#, with: "[email]")
        // Seven or more digits, possibly split by spaces, dashes, dots or brackets, with an optional +.
        result = result.replacing(#/\+?\d(?:[\s\-.()]*\d){6,}[Xx]?/#, with: "[number]")
        return result
    }
}
