public import Foundation

extension BusinessCalendar {
    /// How far ahead the arithmetic looks before it gives up on a calendar that is never open.
    static let horizonDays = 3 * 366

    /// The moment when `seconds` of business time have passed since `start`.
    public func adding(_ seconds: TimeInterval, to start: Date) -> Date {
        if alwaysOpen || seconds <= 0 { return start.addingTimeInterval(max(0, seconds)) }
        var remaining = seconds
        var result: Date?
        forEachOpening(from: start) { open, close in
            let from = max(open, start)
            let available = close.timeIntervalSince(from)
            if remaining <= available {
                result = from.addingTimeInterval(remaining)
                return false
            }
            remaining -= available
            return true
        }
        // A calendar with no opening within the horizon never reaches the target.
        return result ?? .distantFuture
    }

    /// Business time between two moments (0 when `end` is not after `start`).
    public func businessSeconds(from start: Date, to end: Date) -> TimeInterval {
        guard end > start else { return 0 }
        if alwaysOpen { return end.timeIntervalSince(start) }
        var total: TimeInterval = 0
        forEachOpening(from: start) { open, close in
            guard open < end else { return false }
            total += min(close, end).timeIntervalSince(max(open, start))
            return close < end
        }
        return total
    }

    public func isOpen(at moment: Date) -> Bool {
        alwaysOpen || businessSeconds(from: moment, to: moment.addingTimeInterval(1)) > 0
    }

    /// Calls `body` with each opening interval (absolute times, in order) that ends after `start`,
    /// until it returns false or the horizon is reached. Local times are resolved in the
    /// calendar's zone, so a day of 23 or 25 hours is handled by the system calendar.
    private func forEachOpening(from start: Date, _ body: (Date, Date) -> Bool) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        let holidays = Set(self.holidays)
        var day = calendar.startOfDay(for: start)
        for _ in 0..<Self.horizonDays {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            let label = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            if !holidays.contains(label) {
                let intervals = (hours[Self.weekdays[(parts.weekday ?? 1) - 1]] ?? [])
                    .compactMap { interval -> (Int, Int)? in
                        guard let open = Self.minutes(interval.start), let close = Self.minutes(interval.end) else { return nil }
                        return (open, close)
                    }
                    .sorted { $0.0 < $1.0 }
                for (openMinutes, closeMinutes) in intervals {
                    guard let open = moment(day, minutes: openMinutes, in: calendar),
                          let close = moment(day, minutes: closeMinutes, in: calendar), close > start else { continue }
                    if !body(open, close) { return }
                }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return }
            day = next
        }
    }

    private func moment(_ day: Date, minutes: Int, in calendar: Calendar) -> Date? {
        if minutes == 24 * 60 { return calendar.date(byAdding: .day, value: 1, to: day) }
        return calendar.date(bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: day)
    }
}
