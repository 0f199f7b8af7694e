import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// An answer, from the web page or an SMS digit, and what follows: a satisfied customer closes
/// the ticket; CSAT 2 or less, or an NPS detractor who wrote why, reopens and escalates it.
struct SurveyAnswer: Sendable {
    var csat: Int
    var nps: Int?
    var comment: String?
    var channel: String

    enum Outcome: Sendable, Equatable {
        case recorded(complaint: Bool)
        case alreadyAnswered
        case expired
        case notFound
    }

    static let commentLimit = 2000

    /// Field problems, named by form field.
    static func problems(csat: String?, nps: String?, comment: String?) -> [FieldError] {
        var errors: [FieldError] = []
        if Int(csat ?? "").map({ (1...5).contains($0) }) != true {
            errors.append(FieldError(field: "csat", message: "choose a score from 1 to 5"))
        }
        if let nps, !nps.isEmpty, Int(nps).map({ (0...10).contains($0) }) != true {
            errors.append(FieldError(field: "nps", message: "choose a score from 0 to 10"))
        }
        if let comment, comment.count > commentLimit {
            errors.append(FieldError(field: "comment", message: "keep it under \(commentLimit) characters"))
        }
        return errors
    }

    var isComplaint: Bool {
        csat <= 2 || ((nps ?? 10) <= 6 && !(comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// Records the answer for the survey `condition` selects (by token or id), once.
    func record(where condition: String, _ parameter: any PostgresEncodable, at now: Date = Date(),
                in work: UnitOfWork) throws -> Outcome {
        guard let row = try work.query("""
            SELECT id, ticket_number, status, expires_at, channel, category, agent_id FROM survey.surveys WHERE \(condition) FOR UPDATE
            """, [parameter]).first else { return .notFound }
        let status: String = try row.require("status")
        if status == "answered" { return .alreadyAnswered }
        let expiresAt: Date = try row.require("expires_at")
        if status == "expired" || expiresAt <= now { return .expired }
        let id: UUID = try row.require("id")
        let number: String = try row.require("ticket_number")
        let complaint = isComplaint
        let trimmed = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        try work.query("""
            UPDATE survey.surveys SET status = 'answered', answered_at = $2, answer_channel = $3, csat = $4, nps = $5,
                comment = $6, complaint = $7, closed_at = CASE WHEN $7 THEN NULL ELSE $2::timestamptz END
            WHERE id = $1
            """, [id, now, channel, csat, nps, trimmed?.isEmpty == false ? trimmed : nil, complaint])
        let data = StatusEventData(ticketNumber: number, status: "answered", channel: try row.decode("channel"),
                                   category: try row.decode("category"), agentID: try row.decode("agent_id"), occurredAt: now,
                                   surveyID: id.uuidString.lowercased(), complaint: complaint, csat: csat, nps: nps)
        try work.emit(.surveyCompleted, subject: number, data: data)
        if complaint {
            try work.send(SurveyComplaint(ticketNumber: number, surveyID: id.uuidString.lowercased(), csat: csat, nps: nps,
                                          comment: trimmed, answeredAt: now), id: "survey.complaint:\(id.uuidString.lowercased())")
        } else {
            try work.emit(.ticketClosed, subject: number, data: StatusEventData(
                ticketNumber: number, status: "closed", channel: try row.decode("channel"), category: try row.decode("category"),
                occurredAt: now, surveyID: id.uuidString.lowercased()))
        }
        return .recorded(complaint: complaint)
    }
}
