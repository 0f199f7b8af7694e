public import KefuStorage
import Foundation

/// What a run of submissions left behind in every service's schema, read with the database's
/// admin role: whether each submission has exactly one ticket, each ticket was assigned exactly
/// once, and no customer heard their acknowledgement twice. The outage tests and
/// `deploy/kefu chaos` judge a run by it (docs/benchmarks.md).
public struct FlowAudit: Sendable, CustomStringConvertible {
    /// Submissions the run made, by id.
    public var submitted = 0
    /// Submission ids with no ticket.
    public var lost: [String] = []
    /// Submission ids with more than one ticket.
    public var duplicated: [String] = []
    /// Tickets that never reached an agent.
    public var stuck: [String] = []
    /// Tickets assigned more than once.
    public var assignedTwice: [String] = []
    /// Tickets whose customer was acknowledged more than once on one channel.
    public var acknowledgedTwice: [String] = []

    public var isClean: Bool {
        lost.isEmpty && duplicated.isEmpty && stuck.isEmpty && assignedTwice.isEmpty && acknowledgedTwice.isEmpty
    }

    public var description: String {
        "\(submitted) submitted: \(lost.count) lost, \(duplicated.count) duplicated, \(stuck.count) stuck, "
            + "\(assignedTwice.count) assigned twice, \(acknowledgedTwice.count) acknowledged twice"
    }

    /// Audits the submissions whose ids start with `prefix`. `expected` is how many the run had
    /// confirmed; any that intake never recorded count as lost.
    public static func run(prefix: String, expected: Int, on pool: PostgresPool) async throws -> FlowAudit {
        try await pool.withConnection { connection in
            var audit = FlowAudit()
            audit.submitted = expected
            let pattern = prefix.replacingOccurrences(of: "_", with: "\\_") + "%"
            let tickets = try connection.query("""
                SELECT s.submission_id, count(t.number) AS tickets, min(t.number) AS number
                FROM intake.submissions s LEFT JOIN intake.tickets t ON t.submission_id = s.submission_id
                WHERE s.submission_id LIKE $1 GROUP BY s.submission_id
                """, [pattern]).map { row in
                (try row.require("submission_id", as: String.self), try row.require("tickets", as: Int.self),
                 try row.decode("number", as: String.self))
            }
            audit.lost = tickets.filter { $0.1 == 0 }.map(\.0)
            if tickets.count < expected {
                audit.lost += Array(repeating: "(never recorded)", count: expected - tickets.count)
            }
            audit.duplicated = tickets.filter { $0.1 > 1 }.map(\.0)
            let numbers = tickets.compactMap(\.2)
            let assignments = try connection.query("""
                SELECT n.number, count(a.ticket_number) AS assignments
                FROM unnest($1::text[]) AS n(number) LEFT JOIN dispatch.assignments a ON a.ticket_number = n.number
                GROUP BY n.number
                """, [numbers]).map { (try $0.require("number", as: String.self), try $0.require("assignments", as: Int.self)) }
            audit.stuck = assignments.filter { $0.1 == 0 }.map(\.0).sorted()
            audit.assignedTwice = assignments.filter { $0.1 > 1 }.map(\.0).sorted()
            audit.acknowledgedTwice = try connection.query("""
                SELECT DISTINCT ticket_number FROM (
                    SELECT ticket_number, channel FROM notification.deliveries
                    WHERE ticket_number = ANY($1) AND purpose = 'acknowledgement'
                    GROUP BY ticket_number, channel HAVING count(*) > 1) twice
                """, [numbers]).map { try $0.require("ticket_number", as: String.self) }.sorted()
            return audit
        }
    }
}
