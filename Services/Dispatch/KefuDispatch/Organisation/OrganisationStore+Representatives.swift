import KefuServiceKit
import KefuStorage

/// Dedicated representatives: the agent a customer's tickets go to first.
extension OrganisationStore {
    /// The ids among `agentIDs` that are no agent, in order and at most 20: enough to name in an answer.
    static func unknownAgents(_ agentIDs: [String], on connection: PostgresConnection) throws -> [String] {
        try connection.query("""
            SELECT DISTINCT a FROM unnest($1::text[]) AS a WHERE a NOT IN (SELECT id FROM dispatch.agents) ORDER BY a LIMIT 20
            """, [agentIDs]).map { try $0.require("a", as: String.self) }
    }

    /// Sets each customer's representative; a customer named twice keeps one of them.
    static func saveRepresentatives(_ pairs: [(customer: String, agent: String)], in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO dispatch.dedicated_representatives (customer_id, agent_id)
            SELECT DISTINCT ON (c) c, a FROM unnest($1::text[], $2::text[]) AS r(c, a)
            ON CONFLICT (customer_id) DO UPDATE SET agent_id = excluded.agent_id
            """, [pairs.map(\.customer), pairs.map(\.agent)])
    }

    /// Every customer's representative, by customer id.
    static func representatives(on connection: PostgresConnection) throws -> [Representative] {
        try connection.query("SELECT customer_id, agent_id FROM dispatch.dedicated_representatives ORDER BY customer_id")
            .map { Representative(customerID: try $0.require("customer_id"), agentID: try $0.require("agent_id")) }
    }

    static func saveRepresentative(customer: String, agent: String, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO dispatch.dedicated_representatives (customer_id, agent_id) VALUES ($1, $2)
            ON CONFLICT (customer_id) DO UPDATE SET agent_id = excluded.agent_id
            """, [customer, agent])
    }

    /// False when the customer had no representative.
    static func deleteRepresentative(customer: String, in work: UnitOfWork) throws -> Bool {
        try work.query("DELETE FROM dispatch.dedicated_representatives WHERE customer_id = $1", [customer]).affectedRows == 1
    }
}
