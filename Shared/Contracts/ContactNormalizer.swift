import Foundation

/// Turns contact data into the one form customers are matched on.
public enum ContactNormalizer {
    /// E.164 where the number can be placed: Chinese mobiles and landlines in their usual written
    /// forms (`138 0000 0000`, `+86-138-0000-0000`, `0086…`, `010-1234 5678`) become `+86…`;
    /// other numbers keep their digits, with a `+` when they carried an international prefix.
    public static func phone(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        let digits = String(trimmed.unicodeScalars.filter { $0.isASCII && CharacterSet.decimalDigits.contains($0) }
            .map(Character.init))
        if trimmed.hasPrefix("+") { return "+" + digits }
        if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
        if digits.count == 11, digits.hasPrefix("1") { return "+86" + digits }
        if digits.count == 13, digits.hasPrefix("86") { return "+" + digits }
        if digits.hasPrefix("0"), (10...12).contains(digits.count) { return "+86" + digits.dropFirst() }
        return digits
    }

    public static func email(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
