import Foundation
import KefuContracts
@testable import KefuConsole
import KefuServiceKit
import Testing

@Suite("Console: languages, lists, live visibility and templates, without servers")
struct ConsoleLogicTests {
    static func account(_ role: StaffAccount.Role, agent: String? = nil) -> StaffAccount {
        StaffAccount(id: UUID(), username: agent ?? "boss", displayName: "Someone", role: role, agentID: agent, language: nil,
                     mustChangePassword: false, disabledAt: nil)
    }

    static func event(_ type: String, agent: String? = nil, team: String? = nil, holder: String? = nil) -> LiveEvent {
        LiveEvent(id: 1, type: type, ticketNumber: "T-1", agentID: agent, teamID: team, status: nil, holder: holder, receivedAt: nil)
    }

    @Test("Accept-Language picks the first language the console speaks, by quality; Chinese when none")
    func acceptLanguage() {
        #expect(Language(acceptLanguage: "en-GB,en;q=0.9") == .en)
        #expect(Language(acceptLanguage: "zh-TW,zh;q=0.9,en;q=0.8") == .zh)
        #expect(Language(acceptLanguage: "fr-FR, en;q=0.5, zh-CN;q=0.7") == .zh)
        #expect(Language(acceptLanguage: "de, en;q=0.3") == .en)
        #expect(Language(acceptLanguage: "fr") == .zh)
        #expect(Language(acceptLanguage: nil) == .zh)
        #expect(Language(acceptLanguage: ";;,q=") == .zh)
        #expect(Language("EN-us") == .en && Language("ja") == nil)
    }

    @Test("every text has both languages, and they differ where a word was translated")
    func texts() {
        for key in Text.allCases {
            let pair = Texts.all[key]
            #expect(pair != nil, "\(key) has no texts")
            #expect(pair?.en.isEmpty == false && pair?.zh.isEmpty == false, "\(key) is empty in one language")
            #expect(pair?.en != pair?.zh || key == .number, "\(key) is not translated")
        }
    }

    @Test("an agent's stream holds their tickets, their team's and triage; a supervisor's holds all")
    func liveVisibility() {
        let li = Self.account(.agent, agent: "li")
        #expect(Self.event("kefu.ticket.assigned", agent: "li").isVisible(to: li, team: "north"))
        #expect(Self.event("kefu.ticket.transferred", agent: "wang", holder: "li").isVisible(to: li, team: nil))
        #expect(Self.event("kefu.ticket.queued", team: "north").isVisible(to: li, team: "north"))
        #expect(Self.event("kefu.ticket.triage_needed").isVisible(to: li, team: nil))
        #expect(!Self.event("kefu.ticket.assigned", agent: "wang", team: "south").isVisible(to: li, team: "north"))
        #expect(!Self.event("kefu.ticket.queued", team: nil).isVisible(to: li, team: nil))
        for role in [StaffAccount.Role.supervisor, .admin] {
            #expect(Self.event("kefu.ticket.assigned", agent: "wang", team: "south").isVisible(to: Self.account(role), team: nil))
        }
    }

    @Test("a stream frame is one event on one data line, with its id for Last-Event-ID")
    func frame() throws {
        let frame = LiveEvent(id: 42, type: "kefu.ticket.assigned", ticketNumber: "T-9", agentID: "li\n\nid: 99", teamID: nil,
                              status: "assigned", holder: nil, receivedAt: Date()).frame
        let lines = frame.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "id: 42" && lines.count == 5 && frame.hasSuffix("\n\n"))
        let data = try #require(lines.first { $0.hasPrefix("data: ") })
        let decoded = try JSONDecoder().decode(LiveEvent.self, from: Data(data.dropFirst(6).utf8))
        #expect(decoded.agentID == "li\n\nid: 99")
    }

    @Test("lists sort soonest due first with nothing due last, by priority, or oldest first")
    func rowOrder() {
        let now = Date()
        func row(_ number: String, dueIn: Double?, priority: String, age: Double) -> Row {
            var dispatch: [String: JSONValue] = ["number": .string(number), "status": .string("accepted"), "priority": .string(priority)]
            if let dueIn { dispatch["resolution_due_at"] = .string(Formatting.rfc3339(now.addingTimeInterval(dueIn))) }
            let intake: JSONValue = .object(["number": .string(number),
                                             "created_at": .string(Formatting.rfc3339(now.addingTimeInterval(-age)))])
            return Row(intake: intake, dispatch: .object(dispatch), language: .en)
        }
        let rows = [row("A", dueIn: 600, priority: "P3", age: 100), row("B", dueIn: nil, priority: "P1", age: 50),
                    row("C", dueIn: 60, priority: "P2", age: 900), row("D", dueIn: -30, priority: "P4", age: 10)]
        let numbers = { (key: String?) in rows.sorted(by: Row.order(key)).map { $0.values["number"] as? String ?? "" } }
        #expect(numbers(nil) == ["D", "C", "A", "B"])
        #expect(numbers("priority") == ["B", "C", "A", "D"])
        #expect(numbers("age") == ["C", "A", "B", "D"])
    }

    @Test("a paused clock shows the time it has left, not a due time that runs on")
    func pausedRow() {
        let dispatch: JSONValue = .object(["number": .string("T-1"), "status": .string("waiting"), "resolution_left_seconds": .number(5430),
                                           "resolution_due_at": .string(Formatting.rfc3339(Date().addingTimeInterval(-60)))])
        let row = Row(intake: .object(["number": .string("T-1")]), dispatch: dispatch, language: .en)
        #expect(row.values["paused"] as? String == "true" && row.values["left"] as? String == "5430")
        #expect((row.values["due_text"] as? String)?.contains("1 h 30 min left (paused)") == true)
        let closed = Row(intake: .object(["number": .string("T-2"), "status": .string("closed")]), dispatch: nil, language: .en)
        #expect(closed.due == nil && closed.values["due"] == nil)
    }

    @Test("durations read in both languages")
    func durations() {
        #expect(Formatting.duration(59, .en) == "0 min" && Formatting.duration(3_900, .en) == "1 h 5 min")
        #expect(Formatting.duration(90_000, .zh) == "1天1小时" && Formatting.duration(-5, .zh) == "0分钟")
    }

    @Test("canned replies fill the names they know and leave the others for the agent to see")
    func cannedFill() {
        let text = CannedRoutes.fill("您好{{customer_name}}，工单 {{ticket_number}} 已受理。{{unknown}}",
                                     ["customer_name": "赵女士", "ticket_number": "T-20261201-0001"])
        #expect(text == "您好赵女士，工单 T-20261201-0001 已受理。{{unknown}}")
    }

    @Test("no template unescapes a value: every page shows customer text as inert text")
    func templatesEscape() {
        for (name, template) in Templates.all {
            #expect(!template.contains("{{{") && !template.contains("{{&"), "\(name) unescapes a value")
        }
    }

    @Test("after signing in, only a path on this site is followed; anything a browser reads as another host is not")
    func redirects() {
        #expect(WebForms.localPath("/tickets/KF-1?x=1") == "/tickets/KF-1?x=1")
        for hostile in ["//evil.example", "/\\evil.example", "/\tevil", "https://evil.example", "evil", "", "/a\nb"] {
            #expect(WebForms.localPath(hostile) == nil, "\(hostile.debugDescription)")
        }
        #expect(WebForms.localPath(nil) == nil)
    }

    @Test("a ticket number never changes the path it is put into")
    func ticketNumbers() {
        #expect(TicketAccess.isTicketNumber("KF-20261202-000014") && TicketAccess.isTicketNumber("KF-T-1A2B"))
        for hostile in ["../v1/agents", "KF-1/notes", "KF-1?x", "", "-KF", String(repeating: "K", count: 65)] {
            #expect(!TicketAccess.isTicketNumber(hostile), "\(hostile)")
        }
    }

    @Test("account names and display names are checked, naming the field")
    func accountProblems() {
        #expect(StaffStore.problems(username: "li.wei", displayName: "李伟", password: "long enough pass").isEmpty)
        let problems = StaffStore.problems(username: "Li Wei", displayName: " ", password: "short")
        #expect(problems.map(\.field) == ["username", "display_name", "password"])
    }
}
