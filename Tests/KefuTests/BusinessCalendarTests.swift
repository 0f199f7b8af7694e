import Foundation
import KefuContracts
import KefuDispatch
import Testing

@Suite("Business-time arithmetic")
struct BusinessCalendarTests {
    static func at(_ text: String) -> Date { RFC3339.parse(text)! }

    /// Mon–Fri 09:00–12:00 and 13:00–18:00 in Beijing (UTC+8): eight working hours a day.
    static let beijing = BusinessCalendar.standard
    static let beijingWithHoliday = {
        var calendar = BusinessCalendar.standard
        calendar.holidays = ["2026-11-24"]
        return calendar
    }()
    static let newYork = BusinessCalendar(id: "ny", name: "New York", timeZone: "America/New_York",
                                          hours: Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri"].map {
                                              ($0, [BusinessCalendar.Interval(start: "09:00", end: "18:00")])
                                          }))
    static let nights = BusinessCalendar(id: "nights", name: "Night shift", timeZone: "Asia/Shanghai", hours: [
        "mon": [.init(start: "22:00", end: "24:00")], "tue": [.init(start: "00:00", end: "06:00")],
    ])

    @Test("adding business time", arguments: [
        ("inside one interval", beijing, "2026-11-23T10:00:00+08:00", 2.0, "2026-11-23T12:00:00+08:00"),
        ("across lunch", beijing, "2026-11-23T11:00:00+08:00", 2, "2026-11-23T14:00:00+08:00"),
        ("across the night", beijing, "2026-11-23T17:00:00+08:00", 2, "2026-11-24T10:00:00+08:00"),
        ("across the weekend", beijing, "2026-11-27T17:00:00+08:00", 2, "2026-11-30T10:00:00+08:00"),
        ("starting on a Saturday", beijing, "2026-11-28T10:00:00+08:00", 1, "2026-11-30T10:00:00+08:00"),
        ("starting before opening", beijing, "2026-11-23T07:30:00+08:00", 0.5, "2026-11-23T09:30:00+08:00"),
        ("across a holiday", beijingWithHoliday, "2026-11-23T17:00:00+08:00", 2, "2026-11-25T10:00:00+08:00"),
        ("three working days", beijing, "2026-11-23T09:00:00+08:00", 24, "2026-11-25T18:00:00+08:00"),
        ("a UTC start in Beijing hours", beijing, "2026-11-23T01:00:00Z", 1, "2026-11-23T02:00:00Z"),
        ("across the end of US summer time", newYork, "2026-10-30T17:00:00-04:00", 2, "2026-11-02T10:00:00-05:00"),
        ("a night shift over midnight", nights, "2026-11-23T23:00:00+08:00", 3, "2026-11-24T02:00:00+08:00"),
        ("round the clock", BusinessCalendar.roundTheClock, "2026-11-28T23:00:00Z", 2, "2026-11-29T01:00:00Z"),
    ])
    func adding(_ name: String, _ calendar: BusinessCalendar, _ start: String, _ hours: Double, _ expected: String) {
        #expect(calendar.adding(hours * 3600, to: Self.at(start)) == Self.at(expected), "\(name)")
    }

    @Test("business time between two moments", arguments: [
        ("lunch does not count", beijing, "2026-11-23T11:00:00+08:00", "2026-11-23T14:00:00+08:00", 2.0),
        ("over a night", beijing, "2026-11-23T11:00:00+08:00", "2026-11-24T10:00:00+08:00", 7),
        ("a weekend is nothing", beijing, "2026-11-28T00:00:00+08:00", "2026-11-30T00:00:00+08:00", 0),
        ("a holiday is nothing", beijingWithHoliday, "2026-11-24T00:00:00+08:00", "2026-11-25T00:00:00+08:00", 0),
        ("backwards is nothing", beijing, "2026-11-24T10:00:00+08:00", "2026-11-23T10:00:00+08:00", 0),
    ])
    func between(_ name: String, _ calendar: BusinessCalendar, _ start: String, _ end: String, _ hours: Double) {
        #expect(calendar.businessSeconds(from: Self.at(start), to: Self.at(end)) == hours * 3600, "\(name)")
    }

    @Test("adding and measuring agree")
    func inverse() {
        var start = Self.at("2026-11-20T15:20:00+08:00")
        for hours in stride(from: 0.5, through: 40, by: 3.5) {
            let due = Self.beijing.adding(hours * 3600, to: start)
            #expect(Self.beijing.businessSeconds(from: start, to: due) == hours * 3600)
            start = due
        }
    }

    @Test("a calendar that never opens never reaches a target, and bad calendars are refused field by field")
    func badCalendars() {
        let closed = BusinessCalendar(id: "closed", name: "Closed", timeZone: "UTC", hours: ["mon": []])
        #expect(closed.adding(3600, to: Self.at("2026-11-23T00:00:00Z")) == .distantFuture)
        let bad = BusinessCalendar(id: "bad id!", name: "x", timeZone: "Mars/Olympus",
                                   hours: ["mon": [.init(start: "18:00", end: "09:00")], "someday": []], holidays: ["2026-13-01"])
        #expect(bad.problems().map(\.field) == ["/id", "/time_zone", "/hours/mon/0", "/hours/someday", "/hours", "/holidays/0"])
        #expect(BusinessCalendar.standard.problems().isEmpty && BusinessCalendar.roundTheClock.problems().isEmpty)
    }
}
