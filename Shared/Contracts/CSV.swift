import Foundation

/// Comma-separated values as RFC 4180 writes them, for bulk uploads.
public enum CSV {
    /// Records of an RFC 4180 file: a quoted field may hold line breaks.
    public static func rows(_ text: String) -> [String] {
        var rows: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if (character == "\n" || character == "\r\n") && !quoted {
                rows.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    public static func fields(_ row: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(row)[...]
        while let character = characters.popFirst() {
            switch character {
            case "\"" where quoted && characters.first == "\"":
                field.append("\"")
                characters = characters.dropFirst()
            case "\"":
                quoted.toggle()
            case "," where !quoted:
                fields.append(field)
                field = ""
            case "\r" where !quoted:
                continue
            default:
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    /// Records as objects keyed by the header row's names, with the 1-based line of each record.
    public static func records(_ text: String) -> (header: [String], records: [(line: Int, fields: [String: String])]) {
        let all = rows(text)
        guard let first = all.first else { return ([], []) }
        let header = fields(first).map { $0.trimmingCharacters(in: .whitespaces) }
        var records: [(Int, [String: String])] = []
        for (offset, row) in all.enumerated().dropFirst() where !row.trimmingCharacters(in: .whitespaces).isEmpty {
            let values = fields(row)
            records.append((offset + 1, Dictionary(zip(header, values).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })))
        }
        return (header, records)
    }
}
