import Foundation
import KefuContracts
import KefuStorage

/// Service targets for the tickets it matches: by category, priority, customer tier and the
/// complaint flag, each left out to match any. The most specific matching policy applies.
struct SLAPolicy: Codable, Sendable {
    var id: Int?
    var name: String
    var category: String?
    var priority: Priority?
    var customerTier: String?
    var complaint: Bool?
    var firstResponseMinutes: Double
    var resolutionMinutes: Double
    var onSiteMinutes: Double?
    /// Counted on the team's business calendar; otherwise in calendar time.
    var businessTime: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, category, priority, complaint
        case customerTier = "customer_tier"
        case firstResponseMinutes = "first_response_minutes"
        case resolutionMinutes = "resolution_minutes"
        case onSiteMinutes = "on_site_minutes"
        case businessTime = "business_time"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(Int.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        priority = try container.decodeIfPresent(Priority.self, forKey: .priority)
        customerTier = try container.decodeIfPresent(String.self, forKey: .customerTier)
        complaint = try container.decodeIfPresent(Bool.self, forKey: .complaint)
        firstResponseMinutes = try container.decode(Double.self, forKey: .firstResponseMinutes)
        resolutionMinutes = try container.decode(Double.self, forKey: .resolutionMinutes)
        onSiteMinutes = try container.decodeIfPresent(Double.self, forKey: .onSiteMinutes)
        businessTime = try container.decodeIfPresent(Bool.self, forKey: .businessTime) ?? false
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if name.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(FieldError(field: "/name", message: "must not be empty")) }
        for (field, minutes) in [("first_response_minutes", firstResponseMinutes), ("resolution_minutes", resolutionMinutes),
                                 ("on_site_minutes", onSiteMinutes ?? 1)] where !(minutes > 0 && minutes <= 525_600) {
            errors.append(FieldError(field: "/\(field)", message: "must be more than 0 and at most a year"))
        }
        return errors
    }

    /// How many of the criteria are set: the more, the more specific.
    var specificity: Int { [category != nil, priority != nil, customerTier != nil, complaint != nil].filter { $0 }.count }

    func matches(category ticketCategory: String, priority ticketPriority: String, tier: String, complaint ticketComplaint: Bool) -> Bool {
        (category.map { $0 == ticketCategory || ticketCategory.hasPrefix($0 + ".") } ?? true)
            && (priority.map { $0.rawValue == ticketPriority } ?? true)
            && (customerTier.map { $0 == tier } ?? true)
            && (complaint.map { $0 == ticketComplaint } ?? true)
    }

    static var seed: String {
        defaults.map { policy in
            let json = String(decoding: try! KefuJSON.encode(policy), as: UTF8.self).replacingOccurrences(of: "'", with: "''")
            return "INSERT INTO sla_policies (body) VALUES ('\(json)');"
        }.joined(separator: "\n")
    }

    /// The service commitments of the seed documents: acknowledgement within 2 hours and
    /// resolution within 24; complaints acknowledged within 1 hour; P1 on site within 24 hours.
    static let defaults: [SLAPolicy] = [
        make("standard", firstResponse: 120, resolution: 1440),
        make("complaints", complaint: true, firstResponse: 60, resolution: 1440),
        make("P1 equipment down", priority: .p1, firstResponse: 120, resolution: 1440, onSite: 1440),
    ]

    private static func make(_ name: String, priority: Priority? = nil, complaint: Bool? = nil, firstResponse: Double,
                             resolution: Double, onSite: Double? = nil) -> SLAPolicy {
        try! KefuJSON.decode(SLAPolicy.self, from: KefuJSON.encode(JSONValue.object([
            "name": .string(name), "first_response_minutes": .number(firstResponse), "resolution_minutes": .number(resolution),
        ].merging([
            "priority": priority.map { .string($0.rawValue) }, "complaint": complaint.map { .bool($0) },
            "on_site_minutes": onSite.map { .number($0) },
        ].compactMapValues { $0 }) { $1 })))
    }
}
