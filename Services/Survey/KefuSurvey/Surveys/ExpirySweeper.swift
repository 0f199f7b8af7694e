import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import ServiceLifecycle

/// Closes the tickets whose survey expired unanswered, and those resolved again after their
/// survey once the customer has been quiet long enough. Replicas skip each other's rows.
struct ExpirySweeper: Service {
    let runtime: ServiceRuntime
    let configuration: SurveyConfiguration

    func run() async throws {
        await runtime.sweep(every: .milliseconds(Int(configuration.sweepInterval * 1000)), failure: "survey expiry sweep failed") { work in
            let now = Date()
            return try Self.expireDue(at: now, in: work) + ReclosingStore.closeDue(at: now, in: work)
        }
    }

    static func expireDue(at now: Date, limit: Int = 200, in work: UnitOfWork) throws -> Int {
        let expired = try work.query("""
            UPDATE survey.surveys SET status = 'expired', closed_at = $1
            WHERE id IN (SELECT id FROM survey.surveys WHERE status = 'sent' AND expires_at <= $1
                         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id, ticket_number, channel, category
            """, [now, limit])
        for row in expired {
            let number: String = try row.require("ticket_number")
            let data = StatusEventData(ticketNumber: number, status: "expired", channel: try row.decode("channel"),
                                       category: try row.decode("category"), occurredAt: now,
                                       surveyID: try row.require("id", as: UUID.self).uuidString.lowercased())
            try work.emit(.surveyCompleted, subject: number, data: data)
            var closed = data
            closed.status = "closed"
            try work.emit(.ticketClosed, subject: number, data: closed)
        }
        return expired.count
    }
}
