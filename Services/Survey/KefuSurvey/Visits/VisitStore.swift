import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The schedule of inspections and revisits in `survey.visits`.
enum VisitStore {
    /// Schedules a delivered product's inspections and, if the customer has none yet, their next
    /// revisit. Keyed by customer, product and interval: a product registered again adds nothing.
    static func schedule(for product: ProductRegistered, configuration: SurveyConfiguration, today: Date,
                         in work: UnitOfWork) throws {
        guard let delivered = VisitPlan.day(product.deliveredOn) else { throw PermanentFailure("delivered_on is not a date") }
        let intervals = try work.query("""
            SELECT intervals_months::text AS intervals FROM survey.product_lines
            WHERE starts_with($1, prefix) ORDER BY length(prefix) DESC LIMIT 1
            """, [product.model ?? ""]).first.map { VisitRoutes.intervals(try $0.require("intervals")) } ?? [1, 3, 6, 12]
        for (months, due) in VisitPlan.inspections(deliveredOn: delivered, intervals: intervals, today: today) {
            try insert(customer: product.customerID, kind: "inspection", model: product.model, serial: product.serial,
                       deliveredOn: product.deliveredOn, months: months, due: due, in: work)
        }
        let hasRevisit = try work.query("""
            SELECT 1 FROM survey.visits WHERE customer_id = $1 AND kind = 'revisit' AND status = 'scheduled'
            """, [product.customerID]).count > 0
        if !hasRevisit {
            let interval = product.tier == .key ? configuration.revisitMonthsKey : configuration.revisitMonthsOther
            let next = VisitPlan.nextRevisit(anchor: delivered, every: interval, today: today)
            try insert(customer: product.customerID, kind: "revisit", model: nil, serial: nil, deliveredOn: product.deliveredOn,
                       months: next.months, due: next.due, in: work)
        }
    }

    static func insert(customer: String, kind: String, model: String?, serial: String?, deliveredOn: String, months: Int,
                       due: Date, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO survey.visits (id, customer_id, kind, product_model, product_serial, delivered_on, months, due_on)
            VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8::date)
            ON CONFLICT DO NOTHING
            """, [UUID(), customer, kind, model, serial, deliveredOn, months, VisitPlan.text(due)])
    }
}
