import Foundation
import KefuContracts

/// When visits fall due, as calendar dates. Pure, so the schedule's arithmetic is tested alone.
enum VisitPlan {
    /// A visit due longer ago than this when it is scheduled (a product registered late) is
    /// skipped rather than opened at once with all the others.
    static let graceDays = 30

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    static func day(_ text: String) -> Date? {
        CalendarDate(text)?.midnightUTC
    }

    static func text(_ day: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// `months` after `start`; the 31st becomes the month's last day where it has fewer.
    static func adding(months: Int, to start: Date) -> Date {
        calendar.date(byAdding: .month, value: months, to: start)!
    }

    /// Routine inspections at each interval after delivery, leaving out those long past.
    static func inspections(deliveredOn: Date, intervals: [Int], today: Date) -> [(months: Int, due: Date)] {
        let earliest = calendar.date(byAdding: .day, value: -graceDays, to: calendar.startOfDay(for: today))!
        return intervals.sorted().map { ($0, adding(months: $0, to: deliveredOn)) }.filter { $0.due >= earliest }
    }

    /// The first revisit on the customer's cadence (every `interval` months from `anchor`) that
    /// falls after `previous` months and is not long past.
    static func nextRevisit(anchor: Date, every interval: Int, after previous: Int = 0, today: Date) -> (months: Int, due: Date) {
        let earliest = calendar.date(byAdding: .day, value: -graceDays, to: calendar.startOfDay(for: today))!
        var months = (previous / interval + 1) * interval
        while adding(months: months, to: anchor) < earliest { months += interval }
        return (months, adding(months: months, to: anchor))
    }
}
