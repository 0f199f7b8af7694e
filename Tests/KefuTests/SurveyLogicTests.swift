import Foundation
import KefuContracts
@testable import KefuSurvey
import Testing

@Suite("Survey: facts, visits and answers, without servers")
struct SurveyLogicTests {
    static let base = Date(timeIntervalSince1970: 1_772_323_200)  // 2026-03-01T00:00:00Z

    static func event(_ type: StatusEventType, _ minutes: Double, _ data: StatusEventData = StatusEventData()) -> TicketFacts.Event {
        var data = data
        data.occurredAt = base.addingTimeInterval(minutes * 60)
        return TicketFacts.Event(type: type.rawValue, occurredAt: data.occurredAt, data: data)
    }

    @Test("facts fold the same whatever order the events come in, and count transfers, reopens and breaches")
    func fold() {
        let events = [
            Self.event(.ticketCreated, 0, StatusEventData(channel: "phone")),
            Self.event(.ticketClassified, 1, StatusEventData(category: "fault", priority: "P2", complaint: false)),
            Self.event(.ticketAssigned, 2, StatusEventData(teamID: "north", agentID: "li",
                                                          resolutionDueAt: Self.base.addingTimeInterval(3600))),
            Self.event(.ticketAccepted, 10),
            Self.event(.ticketTransferred, 20),
            Self.event(.ticketSLABreached, 60, StatusEventData(slaTarget: "resolution")),
            Self.event(.ticketResolved, 90, StatusEventData(handleSeconds: 1800)),
            Self.event(.surveyCompleted, 200, StatusEventData(complaint: false, csat: 5, nps: 9)),
        ]
        let facts = TicketFacts.fold("T-1", events)
        #expect(facts == TicketFacts.fold("T-1", events.reversed()))
        #expect(facts.createdAt == Self.base)
        #expect(facts.category == "fault" && facts.priority == "P2" && facts.teamID == "north" && facts.agentID == "li")
        #expect(facts.firstResponseSeconds == 600)
        #expect(facts.resolutionSeconds == 5400)
        #expect(facts.handleSeconds == 1800)
        #expect(facts.transferred == 1 && facts.reopened == 0)
        #expect(facts.firstResponseMet == true && facts.resolutionMet == false)
        #expect(facts.overrunSeconds == 1800)
        #expect(facts.surveyed && facts.csat == 5 && facts.nps == 9)
        let open = TicketFacts.fold("T-2", [Self.event(.ticketCreated, 0)])
        #expect(open.firstResponseMet == nil && open.resolutionMet == nil && open.resolutionSeconds == nil)
    }

    @Test("inspections fall 1, 3, 6 and 12 months after delivery, long-past ones are skipped, revisits roll on")
    func visitPlan() throws {
        let delivered = try #require(VisitPlan.day("2026-01-31"))
        let today = try #require(VisitPlan.day("2026-03-15"))
        let inspections = VisitPlan.inspections(deliveredOn: delivered, intervals: [1, 3, 6, 12], today: today)
        #expect(inspections.map { VisitPlan.text($0.due) } == ["2026-02-28", "2026-04-30", "2026-07-31", "2027-01-31"])
        let later = VisitPlan.inspections(deliveredOn: delivered, intervals: [1, 3, 6, 12], today: try #require(VisitPlan.day("2026-06-01")))
        #expect(later.map(\.months) == [6, 12])
        let first = VisitPlan.nextRevisit(anchor: delivered, every: 6, today: today)
        #expect(first.months == 6 && VisitPlan.text(first.due) == "2026-07-31")
        let next = VisitPlan.nextRevisit(anchor: delivered, every: 6, after: 6, today: try #require(VisitPlan.day("2026-07-31")))
        #expect(next.months == 12)
        let lapsed = VisitPlan.nextRevisit(anchor: try #require(VisitPlan.day("2020-05-10")), every: 12, today: today)
        #expect(VisitPlan.text(lapsed.due) == "2026-05-10")
    }

    @Test("a low score is a complaint: CSAT 2 or less, or an NPS detractor who wrote why")
    func complaints() {
        #expect(SurveyAnswer(csat: 2, nps: nil, comment: nil, channel: "sms").isComplaint)
        #expect(!SurveyAnswer(csat: 3, nps: 6, comment: "  ", channel: "web").isComplaint)
        #expect(SurveyAnswer(csat: 3, nps: 6, comment: "太慢了", channel: "web").isComplaint)
        #expect(!SurveyAnswer(csat: 4, nps: 7, comment: "ok", channel: "web").isComplaint)
        #expect(SurveyAnswer.problems(csat: "6", nps: "11", comment: String(repeating: "x", count: 2001)).map(\.field)
            == ["csat", "nps", "comment"])
        #expect(SurveyAnswer.problems(csat: "5", nps: "", comment: nil).isEmpty)
    }

    @Test("the survey page escapes what it shows and the report's charts are plain SVG")
    func rendering() {
        let page = SurveyPages(language: "en").form(ticketNumber: "<b>KF</b>", csrf: "\"x\"", action: "/s/t")
        #expect(page.contains("&lt;b&gt;KF&lt;/b&gt;") && page.contains("value=\"&quot;x&quot;\""))
        #expect(SurveyPages(language: "zh-CN").expired.contains("问卷已过期"))
        let chart = ReportCharts.bars([("01", 3), ("02", 5)], title: "Tickets <per> day")
        #expect(chart.contains("<svg") && chart.contains("Tickets &lt;per&gt; day") && chart.components(separatedBy: "<rect").count == 3)
    }
}
