import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import ServiceLifecycle

/// Opens a proactive ticket for every visit that falls due, by publishing a submission to
/// `kefu.intake` as an integrator would. The visit is claimed with SKIP LOCKED and marked in
/// the transaction that writes the submission to the outbox, so with any number of replicas a
/// visit fires once; intake's submission-id check covers a relay that publishes twice.
struct VisitSweeper: Service {
    static let submissionPrefix = "revisit-"

    let runtime: ServiceRuntime
    let configuration: SurveyConfiguration

    func run() async throws {
        let configuration = self.configuration
        await runtime.sweep(every: .milliseconds(Int(configuration.sweepInterval * 1000)), failure: "visit sweep failed") { work in
            try Self.fireDue(today: Date(), configuration: configuration, in: work)
        }
    }

    static func fireDue(today: Date, limit: Int = 50, configuration: SurveyConfiguration, in work: UnitOfWork) throws -> Int {
        let due = try work.query("""
            SELECT v.id, v.customer_id, v.kind, v.product_model, v.product_serial, v.delivered_on::text AS delivered_on, v.months,
                   v.due_on::text AS due_on, c.tier, c.phone, c.email, c.language
            FROM survey.visits v LEFT JOIN survey.customers c ON c.id = v.customer_id
            WHERE v.status = 'scheduled' AND v.due_on <= $1::date
            ORDER BY v.due_on LIMIT $2
            FOR UPDATE OF v SKIP LOCKED
            """, [VisitPlan.text(today), limit])
        for row in due {
            let id: UUID = try row.require("id")
            let kind: String = try row.require("kind")
            let months: Int = try row.require("months")
            let submissionID = submissionPrefix + id.uuidString.lowercased()
            let phone: String? = try row.decode("phone")
            let email: String? = try row.decode("email")
            guard phone != nil || email != nil else {
                // Nobody to call on: recorded, not silently dropped.
                try work.query("UPDATE survey.visits SET status = 'cancelled', cancelled_at = now() WHERE id = $1", [id])
                continue
            }
            let model: String? = try row.decode("product_model")
            let english = (try row.decode("language") as String?)?.hasPrefix("en") == true
            let subject = kind == "inspection"
                ? (english ? "Routine inspection, \(months) months after delivery" : "定期巡检：交付后\(months)个月")
                : (english ? "Customer revisit" : "客户回访")
            let body = kind == "inspection"
                ? (english ? "Scheduled inspection of \(model ?? "the product") delivered on \(try row.require("delivered_on") as String)."
                           : "计划巡检：\(model ?? "设备")，交付日期 \(try row.require("delivered_on") as String)。")
                : (english ? "Scheduled revisit of the customer (every \(months) months on their cadence)." : "计划客户回访。")
            let deliveredOn: String = try row.require("delivered_on")
            let submission = Submission(
                submissionID: submissionID, channel: .revisit,
                customer: .init(phone: phone, email: email, tier: Submission.Tier(rawValue: try row.decode("tier") ?? "")),
                subject: subject, body: body, language: english ? "en" : "zh-CN",
                product: kind == "inspection"
                    ? Submission.Product(model: model, serial: try row.decode("product_serial"), deliveredOn: deliveredOn) : nil,
                metadata: ["visit_id": .string(id.uuidString.lowercased()), "visit_kind": .string(kind),
                           "visit_months": .number(Double(months))])
            work.publish(OutgoingMessage(exchange: KefuExchange.intake, routingKey: "submit.\(Submission.Channel.revisit.rawValue)",
                                         body: try KefuJSON.encode(submission), messageID: submissionID, mandatory: true))
            try work.query("""
                UPDATE survey.visits SET status = 'submitted', submission_id = $2, submitted_at = now() WHERE id = $1
                """, [id, submissionID])
            if kind == "revisit", let delivered = VisitPlan.day(deliveredOn) {
                let interval = (try row.decode("tier") as String?) == Submission.Tier.key.rawValue
                    ? configuration.revisitMonthsKey : configuration.revisitMonthsOther
                let next = VisitPlan.nextRevisit(anchor: delivered, every: interval, after: months, today: today)
                try VisitStore.insert(customer: try row.require("customer_id"), kind: "revisit", model: nil, serial: nil,
                                      deliveredOn: try row.require("delivered_on"), months: next.months, due: next.due, in: work)
            }
        }
        return due.count
    }
}
