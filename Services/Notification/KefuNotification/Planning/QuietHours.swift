import Foundation

/// A nightly window, in local time, when an SMS waits for morning.
struct QuietHours: Sendable, Hashable {
    /// Minutes after local midnight.
    let start: Int
    let end: Int
    let timeZone: TimeZone

    /// When a message due at `now` may go: nil if at once, else the window's end.
    func heldUntil(_ now: Date) -> Date? {
        guard start != end else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let inside = start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
        guard inside else { return nil }
        return calendar.nextDate(after: now, matching: DateComponents(hour: end / 60, minute: end % 60, second: 0),
                                 matchingPolicy: .nextTime)
    }
}
