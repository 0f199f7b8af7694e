/// The header section of a message or MIME part, unfolded, in order.
public struct MailHeaders: Sendable {
    public struct Field: Sendable {
        public let name: String
        /// The value as sent, unfolded, without decoding.
        public let raw: [UInt8]
    }

    public private(set) var fields: [Field]
    /// The charset raw 8-bit header text is read in when it is not UTF-8.
    var fallbackCharset: String?

    init(fields: [Field], fallbackCharset: String? = nil) {
        self.fields = fields
        self.fallbackCharset = fallbackCharset
    }

    public func first(_ name: String) -> Field? {
        fields.first { $0.name.caseInsensitiveEquals(name) }
    }

    public func contains(_ name: String) -> Bool { first(name) != nil }

    /// A field's value as text, RFC 2047 words decoded, trimmed.
    public func text(_ name: String) -> String? {
        first(name).map { EncodedWords.decode($0.raw, fallbackCharset: fallbackCharset).trimmedBlanks }
    }

    /// A field's value as plain ASCII text without decoding, for structured fields.
    func ascii(_ name: String) -> String? {
        first(name).map { String(decoding: $0.raw, as: UTF8.self).trimmedBlanks }
    }

    /// Parses the header section at the start of `bytes`; returns it and where the body starts.
    ///
    /// `strict` is for a whole message: its first line must be a header field. Inside a MIME part
    /// a line that is not a field ends the headers, as lenient readers do.
    static func parse(_ bytes: ArraySlice<UInt8>, strict: Bool) throws(MailError) -> (MailHeaders, bodyStart: Int) {
        var fields: [(name: String, raw: [UInt8])] = []
        var index = bytes.startIndex
        var lineNumber = 0
        // An mbox "From " separator line may precede a message copied out of a mailbox.
        if strict, bytes.starts(with: Array("From ".utf8)) {
            index = (bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex - 1) + 1
        }
        while index < bytes.endIndex {
            lineNumber += 1
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[index..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            let next = min(lineEnd + 1, bytes.endIndex)
            if line.isEmpty { return (MailHeaders(fields: fields.map { Field(name: $0.name, raw: $0.raw) }), next) }
            if line.first == 0x20 || line.first == 0x09, !fields.isEmpty {
                fields[fields.count - 1].raw += line
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                      line[line.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                var value = line[(colon + 1)...]
                while value.first == 0x20 || value.first == 0x09 { value = value.dropFirst() }
                fields.append((String(decoding: line[line.startIndex..<colon], as: UTF8.self), Array(value)))
            } else if strict && fields.isEmpty {
                throw MailError(.notMail, at: "line \(lineNumber) is not a header field")
            } else {
                // A malformed line: the body starts here.
                return (MailHeaders(fields: fields.map { Field(name: $0.name, raw: $0.raw) }), index)
            }
            index = next
        }
        if strict && fields.isEmpty { throw MailError(.notMail, at: "no header fields") }
        return (MailHeaders(fields: fields.map { Field(name: $0.name, raw: $0.raw) }), bytes.endIndex)
    }
}

extension StringProtocol {
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        count == other.count && lowercased() == other.lowercased()
    }

    var trimmedBlanks: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
