public import Foundation
public import KefuContracts

/// Working hours per weekday, holidays and a time zone: what "business time" means for a team.
/// A 24×7 calendar counts every second.
public struct BusinessCalendar: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// An IANA zone, e.g. `Asia/Shanghai`.
    public var timeZone: String
    public var alwaysOpen: Bool
    /// By weekday (`mon` … `sun`), the opening intervals of that day, local time.
    public var hours: [String: [Interval]]
    /// Local dates (`YYYY-MM-DD`) on which nothing counts.
    public var holidays: [String]

    public struct Interval: Codable, Sendable, Hashable {
        /// `HH:MM`, 00:00 to 23:59.
        public var start: String
        /// `HH:MM` after `start`; `24:00` for midnight at the end of the day.
        public var end: String

        public init(start: String, end: String) {
            self.start = start
            self.end = end
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, hours, holidays
        case timeZone = "time_zone"
        case alwaysOpen = "always_open"
    }

    public init(id: String, name: String, timeZone: String, alwaysOpen: Bool = false, hours: [String: [Interval]] = [:],
                holidays: [String] = []) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.alwaysOpen = alwaysOpen
        self.hours = hours
        self.holidays = holidays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? id
        timeZone = try container.decode(String.self, forKey: .timeZone)
        alwaysOpen = try container.decodeIfPresent(Bool.self, forKey: .alwaysOpen) ?? false
        hours = try container.decodeIfPresent([String: [Interval]].self, forKey: .hours) ?? [:]
        holidays = try container.decodeIfPresent([String].self, forKey: .holidays) ?? []
    }

    public static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Round the clock, for emergency work.
    public static let roundTheClock = BusinessCalendar(id: "24x7", name: "Round the clock", timeZone: "UTC", alwaysOpen: true)

    /// Monday to Friday, 09:00–12:00 and 13:00–18:00, Beijing time.
    public static let standard = BusinessCalendar(
        id: "standard", name: "Working days, Beijing time", timeZone: "Asia/Shanghai",
        hours: Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri"].map {
            ($0, [Interval(start: "09:00", end: "12:00"), Interval(start: "13:00", end: "18:00")])
        }))

    /// Everything wrong with this calendar.
    public func problems() -> [FieldError] {
        var errors: [FieldError] = []
        var openings = 0
        if id.wholeMatch(of: /[A-Za-z0-9_.-]{1,64}/) == nil {
            errors.append(FieldError(field: "/id", message: "must be 1 to 64 letters, digits, '.', '_' or '-'"))
        }
        if TimeZone(identifier: timeZone) == nil {
            errors.append(FieldError(field: "/time_zone", message: "is not an IANA time zone"))
        }
        for (day, intervals) in hours.sorted(by: { $0.key < $1.key }) {
            guard Self.weekdays.contains(day) else {
                errors.append(FieldError(field: "/hours/\(day)", message: "is not a weekday (mon … sun)"))
                continue
            }
            for (index, interval) in intervals.enumerated() {
                guard let start = Self.minutes(interval.start), let end = Self.minutes(interval.end), start < end, start < 24 * 60 else {
                    errors.append(FieldError(field: "/hours/\(day)/\(index)", message: "needs HH:MM start before end (end up to 24:00)"))
                    continue
                }
                openings += 1
            }
        }
        if !alwaysOpen && openings == 0 {
            errors.append(FieldError(field: "/hours", message: "needs at least one opening interval, or always_open"))
        }
        for (index, holiday) in holidays.enumerated() where CalendarDate(holiday) == nil || Self.localDate(holiday) == nil {
            errors.append(FieldError(field: "/holidays/\(index)", message: "is not a YYYY-MM-DD date"))
        }
        return errors
    }

    /// Minutes after midnight of `HH:MM`, with 24:00 allowed.
    static func minutes(_ text: String) -> Int? {
        guard let match = text.wholeMatch(of: /(\d{2}):(\d{2})/), let hours = Int(match.1), let minutes = Int(match.2),
              minutes < 60, hours < 24 || (hours == 24 && minutes == 0) else { return nil }
        return hours * 60 + minutes
    }

    static func localDate(_ text: String) -> DateComponents? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/), let month = Int(match.2), (1...12).contains(month),
              let day = Int(match.3), (1...31).contains(day) else { return nil }
        return DateComponents(year: Int(match.1), month: month, day: day)
    }
}
