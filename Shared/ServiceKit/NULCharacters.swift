import Foundation

/// Finds NUL characters in input before they reach PostgreSQL, whose text type cannot hold them.
enum NULCharacters {
    /// The JSON pointer of the first string (or key) in a JSON document that holds a NUL, or nil.
    /// JSON can only carry a NUL escaped, so documents without `\u0000` are not parsed again.
    static func firstField(inJSON bytes: [UInt8]) -> String? {
        guard mayHoldEscapedNUL(bytes),
              let document = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        else { return nil }
        return firstField(in: document, at: "")
    }

    private static func mayHoldEscapedNUL(_ bytes: [UInt8]) -> Bool {
        let escape = Array(#"\u0000"#.utf8)
        guard bytes.count >= escape.count else { return false }
        return (0...(bytes.count - escape.count)).contains { start in
            bytes[start] == UInt8(ascii: "\\") && bytes[start + 1] == UInt8(ascii: "u")
                && bytes[(start + 2)..<(start + 6)].allSatisfy { $0 == UInt8(ascii: "0") }
        }
    }

    private static func firstField(in value: Any, at pointer: String) -> String? {
        switch value {
        case let text as String:
            return text.contains("\0") ? pointer : nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = firstField(in: element, at: "\(pointer)/\(index)") { return found }
            }
            return nil
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                if key.contains("\0") { return "\(pointer)/\(escaped.filter { $0 != "\0" })" }
                if let found = firstField(in: object[key]!, at: "\(pointer)/\(escaped)") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
