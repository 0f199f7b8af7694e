import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import Logging
import ServiceLifecycle

/// Takes back assigned tickets the agent did not accept in time, records the miss, and assigns
/// them again, to someone else when anyone else can take them. Replicas skip each other's rows.
struct AcceptanceSweeper: Service {
    let runtime: ServiceRuntime
    var interval: Duration = .seconds(1)

    func run() async throws {
        await runtime.sweep(every: interval, failure: "acceptance sweep failed") { work in
            try Self.reassignOverdue(at: Date(), in: work)
        }
    }

    /// A few at a time: each holds its ticket and two agents' rows until the transaction ends, and
    /// the fewer rows a transaction holds, the less it can deadlock with assignment elsewhere.
    static func reassignOverdue(at now: Date, limit: Int = 10, in work: UnitOfWork) throws -> Int {
        let overdue = try work.query("""
            SELECT number, agent_id FROM dispatch.tickets
            WHERE status = 'assigned' AND accept_due_at <= $1
            ORDER BY accept_due_at LIMIT $2
            FOR UPDATE SKIP LOCKED
            """, [now, limit])
        for row in overdue {
            let number: String = try row.require("number")
            let agentID: String = try row.require("agent_id")
            try work.query("INSERT INTO dispatch.accept_misses (ticket_number, agent_id, missed_at) VALUES ($1, $2, $3)",
                           [number, agentID, now])
            try work.query("UPDATE dispatch.agents SET open_count = greatest(open_count - 1, 0) WHERE id = $1", [agentID])
            try work.query("UPDATE dispatch.tickets SET status = 'new', agent_id = NULL, accept_due_at = NULL WHERE number = $1",
                           [number])
            let missed = try work.query("SELECT DISTINCT agent_id FROM dispatch.accept_misses WHERE ticket_number = $1", [number])
                .map { try $0.require("agent_id", as: String.self) }
            try Assigner.assign(number, excluding: missed, in: work)
        }
        // The agents who missed have room again, for tickets that were waiting.
        if overdue.count > 0 { try work.query("SELECT nextval('dispatch.capacity_freed')") }
        return overdue.count
    }
}
