import Foundation
import KefuServiceKit
import KefuStorage
import ServiceLifecycle

/// Acknowledges, without a time, tickets whose first-response target did not come within
/// `KEFU_ACK_WAIT_SECONDS` (classification or dispatch slow or away): the customer hears at
/// once that the ticket exists, whatever else is late. Replicas skip each other's rows. It also
/// gives up on customer messages whose ticket never came (`ParkedMessages`).
struct AcknowledgementSweeper: Service {
    let runtime: ServiceRuntime
    let planner: DeliveryPlanner
    var interval: Duration = .seconds(2)

    func run() async throws {
        await runtime.sweep(every: interval, failure: "acknowledgement sweep failed") { [planner] work in
            let due = try work.query("""
                SELECT number FROM notification.tickets WHERE acknowledged_at IS NULL AND ack_due_at <= now()
                ORDER BY ack_due_at LIMIT 100 FOR UPDATE SKIP LOCKED
                """).map { try $0.require("number", as: String.self) }
            for number in due {
                try AcknowledgementHandler.acknowledge(number, waitForTargets: false, planner: planner, in: work)
            }
            return due.count + (try ParkedMessages.giveUpOld(in: work))
        }
    }
}
