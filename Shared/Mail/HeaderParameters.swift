/// A structured MIME field such as `Content-Type: text/plain; charset="gbk"`: a value and its
/// parameters, with RFC 2231 extended and continued parameters joined and decoded.
struct HeaderParameters: Sendable {
    let value: String
    private let parameters: [String: String]

    subscript(name: String) -> String? { parameters[name.lowercased()] }

    init(_ raw: [UInt8], fallbackCharset: String?) {
        let segments = Self.split(raw)
        value = segments.first.map { String(decoding: $0, as: UTF8.self).trimmedBlanks.lowercased() } ?? ""
        var plain: [String: String] = [:]
        var extended: [String: [(index: Int, encoded: Bool, bytes: [UInt8])]] = [:]
        for segment in segments.dropFirst() {
            guard let equals = segment.firstIndex(of: UInt8(ascii: "=")) else { continue }
            var name = String(decoding: segment[..<equals], as: UTF8.self).trimmedBlanks.lowercased()
            var valueBytes = Array(segment[(equals + 1)...])
            while valueBytes.first == 0x20 || valueBytes.first == 0x09 { valueBytes.removeFirst() }
            while valueBytes.last == 0x20 || valueBytes.last == 0x09 { valueBytes.removeLast() }
            valueBytes = Self.unquote(valueBytes)
            guard name.contains("*") else {
                plain[name] = EncodedWords.decode(valueBytes, fallbackCharset: fallbackCharset)
                continue
            }
            // name*=charset'lang'%XX.., name*0=.., name*1*=..
            let encoded = name.hasSuffix("*")
            if encoded { name.removeLast() }
            var index = 0
            if let star = name.firstIndex(of: "*") {
                index = Int(name[name.index(after: star)...]) ?? 0
                name = String(name[..<star])
            }
            extended[name, default: []].append((index, encoded, valueBytes))
        }
        for (name, pieces) in extended {
            let ordered = pieces.sorted { $0.index < $1.index }
            var charset: String?
            var bytes: [UInt8] = []
            for (position, piece) in ordered.enumerated() {
                guard piece.encoded else { bytes += piece.bytes; continue }
                var text = piece.bytes[...]
                if position == 0 {
                    let quotes = text.indices.filter { text[$0] == UInt8(ascii: "'") }
                    if quotes.count >= 2 {
                        charset = String(decoding: text[..<quotes[0]], as: UTF8.self)
                        text = text[(quotes[1] + 1)...]
                    }
                }
                bytes += Self.percentDecode(text)
            }
            plain[name] = CharsetDecoder.decode(bytes, charset: charset ?? fallbackCharset)
        }
        parameters = plain
    }

    /// Splits on semicolons outside quoted strings.
    private static func split(_ raw: [UInt8]) -> [ArraySlice<UInt8>] {
        var segments: [ArraySlice<UInt8>] = []
        var start = 0
        var quoted = false
        var index = 0
        while index < raw.count {
            switch raw[index] {
            case UInt8(ascii: "\""): quoted.toggle()
            case UInt8(ascii: "\\") where quoted: index += 1
            case UInt8(ascii: ";") where !quoted:
                segments.append(raw[start..<index])
                start = index + 1
            default: break
            }
            index += 1
        }
        segments.append(raw[min(start, raw.count)...])
        return segments
    }

    private static func unquote(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return bytes }
        var output: [UInt8] = []
        var escaped = false
        for byte in bytes.dropFirst().dropLast() {
            if !escaped, byte == UInt8(ascii: "\\") { escaped = true; continue }
            escaped = false
            output.append(byte)
        }
        return output
    }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                output.append(value)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}
