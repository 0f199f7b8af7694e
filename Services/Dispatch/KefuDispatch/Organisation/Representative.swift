/// A customer's dedicated representative: the agent their tickets go to first. On input the
/// customer comes from the path (`PUT /v1/representatives/{customer}`).
struct Representative: Codable, Sendable {
    var customerID: String?
    var agentID: String

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id"
        case agentID = "agent_id"
    }
}
