/// Header text with RFC 2047 encoded words (`=?GBK?B?...?=`) decoded.
enum EncodedWords {
    /// Decodes a header value. Text outside encoded words is UTF-8 when valid, otherwise the
    /// fallback charset; blanks between two encoded words are dropped, as RFC 2047 §6.2 says.
    static func decode(_ raw: [UInt8], fallbackCharset: String?) -> String {
        var result = ""
        var plain: [UInt8] = []
        // Adjacent words in one charset are joined before decoding: senders split a multi-byte
        // character across two words more often than the RFC allows.
        var pending: (charset: String, bytes: [UInt8])?
        var index = 0

        func flushPending() {
            if let word = pending { result += CharsetDecoder.decode(word.bytes, charset: word.charset) }
            pending = nil
        }

        while index < raw.count {
            if let word = encodedWord(in: raw, at: index) {
                let between = plain
                if pending == nil || !between.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    flushPending()
                    result += CharsetDecoder.decodeUndeclared(between, fallback: fallbackCharset)
                }
                plain.removeAll()
                if let current = pending, current.charset.lowercased() == word.charset.lowercased() {
                    pending = (current.charset, current.bytes + word.bytes)
                } else {
                    flushPending()
                    pending = (word.charset, word.bytes)
                }
                index = word.end
            } else {
                plain.append(raw[index])
                index += 1
            }
        }
        flushPending()
        result += CharsetDecoder.decodeUndeclared(plain, fallback: fallbackCharset)
        return result
    }

    private struct Word {
        let charset: String
        let bytes: [UInt8]
        let end: Int
    }

    /// The encoded word `=?charset?encoding?text?=` starting at `start`, if there is one.
    private static func encodedWord(in raw: [UInt8], at start: Int) -> Word? {
        guard start + 1 < raw.count, raw[start] == UInt8(ascii: "="), raw[start + 1] == UInt8(ascii: "?") else { return nil }
        var parts: [Range<Int>] = []
        var partStart = start + 2
        var index = partStart
        while index < raw.count, parts.count < 2 {
            let byte = raw[index]
            if byte == UInt8(ascii: "?") {
                parts.append(partStart..<index)
                partStart = index + 1
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                return nil
            }
            index += 1
        }
        guard parts.count == 2, parts[1].count == 1 else { return nil }
        // The encoded text runs to the next "?=" and holds no blanks.
        var end = index
        while end + 1 < raw.count, !(raw[end] == UInt8(ascii: "?") && raw[end + 1] == UInt8(ascii: "=")) {
            if raw[end] == 0x20 || raw[end] == 0x09 || raw[end] == 0x0A || raw[end] == 0x0D { return nil }
            end += 1
        }
        guard end + 1 < raw.count else { return nil }
        let charset = String(decoding: raw[parts[0]], as: UTF8.self)
        let text = raw[index..<end]
        let bytes: [UInt8]
        switch raw[parts[1].lowerBound] | 0x20 {
        case UInt8(ascii: "b"): bytes = TransferDecoding.base64(text)
        case UInt8(ascii: "q"): bytes = TransferDecoding.quotedPrintable(text, underscoreIsSpace: true)
        default: return nil
        }
        return Word(charset: charset, bytes: bytes, end: end + 2)
    }
}
