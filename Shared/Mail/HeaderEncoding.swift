import Foundation

/// Header values for outgoing mail (RFC 5322 and RFC 2047).
enum HeaderEncoding {
    /// The value on one line: line breaks and other control characters become spaces, which is
    /// what stops CRLF injection.
    static func safe(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : scalar
        }))
    }

    /// The value as is when it is printable ASCII and fits, else as UTF-8 base64 encoded words
    /// of at most 75 characters, folded onto continuation lines. A word never splits a character.
    static func encodedWords(_ value: String, leading: Int) -> String {
        let clean = safe(value)
        if clean.allSatisfy({ $0.isASCII }), leading + clean.utf8.count <= 78, !clean.contains("=?") { return clean }
        // Each line stays within 78 characters: "=?UTF-8?B?" and "?=" take 12, and every 3 bytes
        // take 4 base64 characters. The first word shares its line with the header's name.
        func capacity(leading: Int) -> Int { (78 - leading - 12) / 4 * 3 }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > capacity(leading: words.isEmpty ? leading : 1) {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }
}
