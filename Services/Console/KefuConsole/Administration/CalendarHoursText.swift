import KefuContracts

/// A business calendar's opening hours as an administrator types them, one or more days a line:
/// `mon-fri 09:00-12:00 13:00-18:00`, `sat 09:00-12:00`. Dispatch's `hours` object is the
/// same thing as JSON (docs/http-api.md); dispatch checks the times themselves.
enum CalendarHoursText {
    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// The `hours` object, or what is wrong with the text, naming the line.
    static func parse(_ text: String, language: Language) -> Result<JSONValue, CalendarHoursError> {
        var hours: [String: [JSONValue]] = [:]
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let words = line.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            let fail = { (why: String) in CalendarHoursError(message: language.say("line \(index + 1): \(why)", "第 \(index + 1) 行：\(why)")) }
            guard let named = dayRange(first.lowercased()) else {
                return .failure(fail(language.say("\(first) is not a day or a range of days such as mon-fri", "\(first) 不是星期几或范围（如 mon-fri）")))
            }
            var intervals: [JSONValue] = []
            for word in words.dropFirst() {
                let ends = word.split(separator: "-").map(String.init)
                guard ends.count == 2 else {
                    return .failure(fail(language.say("\(word) is not a time range such as 09:00-18:00", "\(word) 不是时间段（如 09:00-18:00）")))
                }
                intervals.append(.object(["start": .string(ends[0]), "end": .string(ends[1])]))
            }
            for day in named { hours[day, default: []] += intervals }
        }
        return .success(.object(hours.mapValues { .array($0) }))
    }

    /// Dispatch's `hours` object as lines, in the week's order.
    static func format(_ hours: JSONValue?) -> String {
        days.compactMap { day -> String? in
            guard let intervals = hours?[day]?.array, !intervals.isEmpty else { return nil }
            return ([day] + intervals.map { "\($0["start"]?.string ?? "")-\($0["end"]?.string ?? "")" }).joined(separator: " ")
        }.joined(separator: "\n")
    }

    private static func dayRange(_ word: String) -> [String]? {
        let ends = word.split(separator: "-").map(String.init)
        guard let from = ends.first.flatMap({ days.firstIndex(of: $0) }),
              let to = (ends.count == 2 ? ends.last : ends.first).flatMap({ days.firstIndex(of: $0) }),
              ends.count <= 2, from <= to else { return nil }
        return Array(days[from...to])
    }
}

struct CalendarHoursError: Error {
    let message: String
}
