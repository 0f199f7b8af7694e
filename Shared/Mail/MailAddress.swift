/// One mailbox from an address field: `"张伟" <zw@example.com>` or a bare address.
public struct MailAddress: Sendable, Hashable {
    public let name: String?
    public let address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// The first mailbox in a decoded address field.
    static func first(in field: String) -> MailAddress? {
        if let open = field.lastIndex(of: "<"), let close = field[open...].firstIndex(of: ">") {
            let address = field[field.index(after: open)..<close].trimmedBlanks
            var name = field[..<open].trimmedBlanks
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            return address.contains("@") ? MailAddress(name: name.isEmpty ? nil : name, address: address) : nil
        }
        // A bare address, perhaps with an old-style "(comment)" name.
        let bare = field.split(separator: ",").first.map { $0.trimmedBlanks } ?? ""
        let address = bare.split(separator: " ").first.map(String.init) ?? ""
        return address.contains("@") ? MailAddress(name: nil, address: address) : nil
    }

    /// The `<id>` tokens of Message-ID, In-Reply-To and References fields.
    static func messageIDs(in field: String) -> [String] {
        var ids: [String] = []
        var rest = field[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimmedBlanks
            if !id.isEmpty { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return ids
    }
}
