import Crypto
import Foundation

/// Walks a message's MIME tree, keeping the readable text and the attachments' metadata.
struct PartCollector {
    private(set) var plain: [String] = []
    private(set) var html: [String] = []
    private(set) var attachments: [MailAttachment] = []

    var text: String {
        if !plain.isEmpty { return plain.joined(separator: "\n\n").trimmedBlanks }
        return html.map(HTMLText.plainText(from:)).joined(separator: "\n\n").trimmedBlanks
    }

    mutating func walk(headers: MailHeaders, body: ArraySlice<UInt8>, depth: Int) throws(MailError) {
        guard depth <= MailMessage.maximumNesting else { throw MailError(.nestedTooDeep) }
        let fallback = headers.fallbackCharset
        let contentType = HeaderParameters(headers.first("Content-Type")?.raw ?? Array("text/plain".utf8),
                                           fallbackCharset: fallback)
        let disposition = headers.first("Content-Disposition").map { HeaderParameters($0.raw, fallbackCharset: fallback) }
        let type = contentType.value.isEmpty ? "text/plain" : contentType.value

        if type.hasPrefix("multipart/"), let boundary = contentType["boundary"], !boundary.isEmpty {
            var children: [PartCollector] = []
            for part in Self.parts(of: body, boundary: boundary) {
                var (partHeaders, start) = try MailHeaders.parse(part, strict: false)
                partHeaders.fallbackCharset = fallback
                var child = PartCollector()
                try child.walk(headers: partHeaders, body: part[start...], depth: depth + 1)
                children.append(child)
            }
            merge(children, alternatives: type == "multipart/alternative")
            return
        }

        let filename = disposition?["filename"] ?? contentType["name"]
        let decoded = TransferDecoding.decode(body, encoding: headers.ascii("Content-Transfer-Encoding"))
        let isAttachment = disposition?.value == "attachment" || filename != nil
        if !isAttachment, type == "text/plain" || type == "text/html" {
            let text = CharsetDecoder.decode(decoded, charset: contentType["charset"] ?? fallback)
            if type == "text/plain" { plain.append(text) } else { html.append(text) }
            return
        }
        let digest = SHA256.hash(data: decoded).map { String(format: "%02x", $0) }.joined()
        let name = filename ?? (type == "message/rfc822" ? "message.eml" : "part-\(attachments.count + 1)")
        attachments.append(MailAttachment(filename: name, contentType: type, size: decoded.count, sha256: digest))
    }

    /// Of alternatives, the first with plain text wins, else the first with HTML; other parts add up.
    private mutating func merge(_ children: [PartCollector], alternatives: Bool) {
        for child in children { attachments += child.attachments }
        if alternatives {
            if let best = children.first(where: { !$0.plain.isEmpty }) ?? children.first(where: { !$0.html.isEmpty }) {
                plain += best.plain
                html += best.html
            }
        } else {
            for child in children {
                plain += child.plain
                html += child.html
            }
        }
    }

    /// The body parts between `--boundary` lines; an unterminated last part still counts.
    static func parts(of body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd = body[lineStart...].firstIndex(of: 0x0A) ?? body.endIndex
            let line = body[lineStart..<lineEnd]
            if line.starts(with: delimiter), Self.endsDelimiter(line.dropFirst(delimiter.count)) {
                if let start = partStart {
                    // The line break before a delimiter belongs to the delimiter.
                    var end = lineStart
                    if end > start, body[end - 1] == 0x0A { end -= 1 }
                    if end > start, body[end - 1] == 0x0D { end -= 1 }
                    parts.append(body[start..<end])
                }
                if line.dropFirst(delimiter.count).starts(with: [0x2D, 0x2D]) { return parts }
                partStart = min(lineEnd + 1, body.endIndex)
            }
            lineStart = lineEnd + 1
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }

    /// After `--boundary` only `--` (the close) and blanks may follow; anything else means the
    /// line merely starts with the boundary, e.g. `--b10` when the boundary is `b1`.
    private static func endsDelimiter(_ rest: ArraySlice<UInt8>) -> Bool {
        let tail = rest.starts(with: [0x2D, 0x2D]) ? rest.dropFirst(2) : rest
        return tail.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
