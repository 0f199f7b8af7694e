import Foundation

/// `multipart/form-data` (RFC 7578), as a browser sends a form with a file: the text fields, and
/// each file's name, type and bytes. Only what the console's own forms send is understood.
struct MultipartForm: Sendable {
    struct File: Sendable {
        let filename: String
        let contentType: String
        let bytes: [UInt8]
    }

    var fields: [String: String] = [:]
    var files: [String: File] = [:]

    init(fields: [String: String] = [:]) {
        self.fields = fields
    }

    /// The boundary from a `Content-Type: multipart/form-data; boundary=…` header.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// nil when the body is not multipart with that boundary.
    init?(_ body: [UInt8], boundary: String) {
        let delimiter = Array("--\(boundary)".utf8)
        var parts = Self.split(body, by: delimiter)
        guard parts.count >= 2 else { return nil }
        parts.removeFirst()  // the preamble
        for var part in parts {
            if part.starts(with: Array("--".utf8)) { break }  // the closing delimiter
            if part.starts(with: [13, 10]) { part.removeFirst(2) }
            guard let end = Self.range(of: [13, 10, 13, 10], in: part) else { continue }
            let head = String(decoding: part[..<end.lowerBound], as: UTF8.self)
            var content = Array(part[end.upperBound...])
            if content.suffix(2) == [13, 10] { content.removeLast(2) }
            let headers = Self.headers(head)
            guard let disposition = headers["content-disposition"], let name = Self.parameter("name", in: disposition) else { continue }
            if let filename = Self.parameter("filename", in: disposition) {
                files[name] = File(filename: filename, contentType: headers["content-type"] ?? "application/octet-stream", bytes: content)
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
    }

    private static func headers(_ head: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func split(_ bytes: [UInt8], by delimiter: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var rest = bytes[...]
        while let found = range(of: delimiter, in: rest) {
            parts.append(Array(rest[..<found.lowerBound]))
            rest = rest[found.upperBound...]
        }
        parts.append(Array(rest))
        return parts
    }

    /// Where `needle` first occurs in `haystack`, in the haystack's own indices.
    private static func range(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) {
                return index..<index + needle.count
            }
            index += 1
        }
        return nil
    }

    private static func range(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        range(of: needle, in: haystack[...])
    }
}
