/// The shape of ticket numbers, `<PREFIX>-YYYYMMDD-NNNNNN`, and where they hide in messages.
enum TicketNumber {
    static func format(prefix: String, day: String, counter: Int) -> String {
        let digits = String(counter)
        return "\(prefix)-\(day)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    static func isWellFormed(_ text: some StringProtocol, prefix: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == prefix && parts[1].count == 8 && parts[2].count >= 6
            && parts[1].allSatisfy(\.isASCIIDigit) && parts[2].allSatisfy(\.isASCIIDigit)
    }

    /// Numbers written in brackets, as in `Re: [KF-20261123-000042] pump`, first one first.
    static func bracketed(in subject: String, prefix: String) -> [String] {
        var found: [String] = []
        var rest = subject[...]
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            let candidate = rest[rest.index(after: open)..<close].trimmingBlanks
            if isWellFormed(candidate, prefix: prefix), !found.contains(candidate) { found.append(candidate) }
            rest = rest[rest.index(after: open)...]
        }
        return found
    }

    /// The ticket named in a Message-ID Kefu wrote: `<kefu.KF-20261123-000042.<unique>@host>`.
    /// Notification's outgoing mail uses this form so that replies thread even when their
    /// ticket's original message is unknown.
    static func inKefuMessageID(_ id: String, prefix: String) -> String? {
        guard id.hasPrefix("kefu.") else { return nil }
        let candidate = id.dropFirst(5).prefix { $0 != "." && $0 != "@" }
        return isWellFormed(candidate, prefix: prefix) ? String(candidate) : nil
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    var trimmingBlanks: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
