import Foundation
import KefuContracts
@testable import KefuServiceKit
import Testing

/// What keeps input the database cannot take from reaching it (docs/http-api.md, "Answers").
@Suite("Input the database cannot take")
struct InputSafetyTests {
    @Test("a calendar date must exist: months, day counts and leap years, ASCII digits only")
    func calendarDates() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2000-02-29") != nil)
        for text in ["2023-02-29", "1900-02-29", "2026-02-31", "2026-04-31", "2024-13-01", "2024-00-10", "0000-01-01",
                     "+024-01-01", "2024-1-01", "2024-01-011", "２０２４-01-01", "2024/01/01", ""] {
            #expect(CalendarDate(text) == nil, "\(text)")
        }
        #expect(CalendarDate("2024-03-09")?.midnightUTC == RFC3339.parse("2024-03-09T00:00:00Z"))
    }

    @Test("RFC 3339 times are parsed whole, with real fields")
    func timestamps() {
        #expect(RFC3339.parse("2024-01-01T08:30:00.250+08:00") != nil)
        #expect(RFC3339.parse("2024-01-01T00:00:00Z") != nil)
        for text in ["2024-01-01T00:00:00Zjunk", "2024-01-01T25:00:00Z", "1999-11-31T00:00:00Z", "2024-01-01", "+0800",
                     "2024-01-01T00:60:00Z", "2024-01-01 00:00:00Z"] {
            #expect(RFC3339.parse(text) == nil, "\(text)")
        }
    }

    @Test("a NUL in a JSON body is found by its JSON pointer, and only a real one")
    func nulInJSON() {
        #expect(NULCharacters.firstField(inJSON: Array(#"{"a":{"b/c":["x","y\u0000"]}}"#.utf8)) == "/a/b~1c/1")
        #expect(NULCharacters.firstField(inJSON: Array(#"{"text":"a literal \\u0000 is fine"}"#.utf8)) == nil)
        #expect(NULCharacters.firstField(inJSON: Array(#"{"name":"plain"}"#.utf8)) == nil)
        #expect(NULCharacters.firstField(inJSON: Array(#"not json \u0000"#.utf8)) == nil)
    }

    @Test("path parameters are percent-decoded, but a NUL stays encoded")
    func pathParameters() {
        #expect(ProblemMiddleware.percentDecoded("zz%2Ddoc") == "zz-doc")
        #expect(ProblemMiddleware.percentDecoded("%E5%AE%A2%E6%9C%8D") == "客服")
        #expect(ProblemMiddleware.percentDecoded("a%00b") == "a%00b")
        #expect(ProblemMiddleware.percentDecoded("100%") == "100%")
    }
}
