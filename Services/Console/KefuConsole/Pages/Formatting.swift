import Foundation

/// Times and durations as people read them, in their language.
enum Formatting {
    /// "2 h 5 min", "2小时5分"; "3 d 4 h" past a day.
    static func duration(_ seconds: TimeInterval, _ language: Language) -> String {
        let minutes = max(0, Int(seconds / 60))
        let (days, hours, rest) = (minutes / 1440, minutes / 60 % 24, minutes % 60)
        switch language {
        case .en:
            if days > 0 { return "\(days) d \(hours) h" }
            return hours > 0 ? "\(hours) h \(rest) min" : "\(rest) min"
        case .zh:
            if days > 0 { return "\(days)天\(hours)小时" }
            return hours > 0 ? "\(hours)小时\(rest)分" : "\(rest)分钟"
        }
    }

    /// What the countdown shows before the script takes over: time left, or how long overdue.
    static func due(_ date: Date, paused: Bool, _ language: Language, now: Date = Date()) -> String {
        let left = date.timeIntervalSince(now)
        let text = left >= 0 ? duration(left, language) + " " + language.text(.remaining)
            : duration(-left, language) + " " + language.text(.overdue)
        return paused ? text + " (" + language.text(.paused) + ")" : text
    }

    static func time(_ date: Date, _ language: Language) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = language == .en ? "d MMM HH:mm" : "M月d日 HH:mm"
        return formatter.string(from: date)
    }

    static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        return (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }
}
