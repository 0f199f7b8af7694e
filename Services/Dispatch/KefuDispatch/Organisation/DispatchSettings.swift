/// Dispatch's run-time settings, stored in its schema and changed through `PATCH /v1/settings`.
struct DispatchSettings: Codable, Sendable, Hashable {
    /// How long an agent has to accept an assigned ticket before it goes to someone else.
    var acceptTimeoutSeconds = 900
    /// The share of an SLA target at which a warning fires.
    var warningShare = 0.8

    enum CodingKeys: String, CodingKey {
        case acceptTimeoutSeconds = "accept_timeout_seconds"
        case warningShare = "warning_share"
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        acceptTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .acceptTimeoutSeconds) ?? acceptTimeoutSeconds
        warningShare = try container.decodeIfPresent(Double.self, forKey: .warningShare) ?? warningShare
    }
}
