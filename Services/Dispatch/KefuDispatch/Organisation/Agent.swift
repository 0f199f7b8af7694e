import KefuServiceKit
import Foundation
import KefuContracts
import KefuStorage

/// An agent or field engineer, with what they can handle and how much.
struct Agent: Codable, RowDecodable, Sendable {
    enum Duty: String, Codable, Sendable {
        case on, off, `break`
    }

    struct Skills: Codable, Sendable, Hashable {
        /// Category ids; a parent category covers its subcategories. Empty: any.
        var categories: [String] = []
        /// Product models. Empty: any.
        var products: [String] = []
        /// Language tags; `zh` covers `zh-CN`. Empty: any.
        var languages: [String] = []

        init(categories: [String] = [], products: [String] = [], languages: [String] = []) {
            self.categories = categories
            self.products = products
            self.languages = languages
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            categories = try container.decodeIfPresent([String].self, forKey: .categories) ?? []
            products = try container.decodeIfPresent([String].self, forKey: .products) ?? []
            languages = try container.decodeIfPresent([String].self, forKey: .languages) ?? []
        }
    }

    var id: String
    var name: String
    var teamID: String
    var duty: Duty
    var maxOpen: Int
    var dailyCap: Int
    var skills: Skills
    /// Working hours: outside them the agent is not offered work even when on duty.
    var shiftCalendarID: String?
    var fieldEngineer: Bool
    var location: Coordinates?
    var serviceRadiusKm: Double?
    /// Kept by dispatch; ignored on input.
    var openCount = 0
    var assignedToday = 0
    var lastAssignedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, duty, skills, location
        case teamID = "team_id"
        case maxOpen = "max_open"
        case dailyCap = "daily_cap"
        case shiftCalendarID = "shift_calendar_id"
        case fieldEngineer = "field_engineer"
        case serviceRadiusKm = "service_radius_km"
        case openCount = "open_count"
        case assignedToday = "assigned_today"
        case lastAssignedAt = "last_assigned_at"
        case onDuty = "on_duty"
    }

    /// Missing fields take their defaults; `on_duty` (true or false) is understood for `duty`.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? UUID().uuidString.lowercased()
        name = try container.decode(String.self, forKey: .name)
        teamID = try container.decodeIfPresent(String.self, forKey: .teamID) ?? "hq"
        let onDuty = try container.decodeIfPresent(Bool.self, forKey: .onDuty)
        // A sent on_duty wins: in a PATCH, duty comes from the stored agent.
        duty = try onDuty.map { $0 ? .on : .off } ?? container.decodeIfPresent(Duty.self, forKey: .duty) ?? .on
        maxOpen = try container.decodeIfPresent(Int.self, forKey: .maxOpen) ?? 10
        dailyCap = try container.decodeIfPresent(Int.self, forKey: .dailyCap) ?? 50
        skills = try container.decodeIfPresent(Skills.self, forKey: .skills) ?? Skills()
        shiftCalendarID = try container.decodeIfPresent(String.self, forKey: .shiftCalendarID)
        fieldEngineer = try container.decodeIfPresent(Bool.self, forKey: .fieldEngineer) ?? false
        location = try container.decodeIfPresent(Coordinates.self, forKey: .location)
        serviceRadiusKm = try container.decodeIfPresent(Double.self, forKey: .serviceRadiusKm)
        // Kept by dispatch: read from rows, and never written from what a caller sends (see
        // OrganisationStore.save).
        openCount = try container.decodeIfPresent(Int.self, forKey: .openCount) ?? 0
        assignedToday = try container.decodeIfPresent(Int.self, forKey: .assignedToday) ?? 0
        lastAssignedAt = try container.decodeIfPresent(Date.self, forKey: .lastAssignedAt)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(teamID, forKey: .teamID)
        try container.encode(duty, forKey: .duty)
        try container.encode(duty == .on, forKey: .onDuty)
        try container.encode(maxOpen, forKey: .maxOpen)
        try container.encode(dailyCap, forKey: .dailyCap)
        try container.encode(skills, forKey: .skills)
        try container.encodeIfPresent(shiftCalendarID, forKey: .shiftCalendarID)
        try container.encode(fieldEngineer, forKey: .fieldEngineer)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encodeIfPresent(serviceRadiusKm, forKey: .serviceRadiusKm)
        try container.encode(openCount, forKey: .openCount)
        try container.encode(assignedToday, forKey: .assignedToday)
        try container.encodeIfPresent(lastAssignedAt, forKey: .lastAssignedAt)
    }

    static let columns = """
        id, name, team_id, duty, max_open, daily_cap, skills::text AS skills, shift_calendar_id, field_engineer,
        CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL
             THEN json_build_object('latitude', latitude, 'longitude', longitude)::text END AS location,
        service_radius_km, open_count,
        CASE WHEN assigned_day = current_date THEN assigned_today ELSE 0 END AS assigned_today, last_assigned_at
        """

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if id.wholeMatch(of: /[A-Za-z0-9_.@-]{1,128}/) == nil {
            errors.append(FieldError(field: "/id", message: "must be 1 to 128 letters, digits or . _ @ -"))
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(FieldError(field: "/name", message: "must not be empty")) }
        // Benchmarks give agents room for millions; the bound is what the database's integer holds.
        if !(0...1_000_000_000).contains(maxOpen) { errors.append(FieldError(field: "/max_open", message: "must be from 0 to 1000000000")) }
        if !(0...1_000_000_000).contains(dailyCap) { errors.append(FieldError(field: "/daily_cap", message: "must be from 0 to 1000000000")) }
        if let location, !(-90...90).contains(location.latitude) || !(-180...180).contains(location.longitude) {
            errors.append(FieldError(field: "/location", message: "latitude must be from -90 to 90 and longitude from -180 to 180 degrees"))
        }
        if let radius = serviceRadiusKm, !(radius > 0) {
            errors.append(FieldError(field: "/service_radius_km", message: "must be more than 0"))
        }
        if fieldEngineer && (location == nil || serviceRadiusKm == nil) {
            errors.append(FieldError(field: "/location", message: "and service_radius_km are needed for a field engineer"))
        }
        return errors
    }
}
