import Foundation
import KefuServiceKit
import KefuContracts
import KefuStorage

/// A team at one of three levels: headquarters, a branch, or a local service station (which may
/// be an outsourced service partner). Escalation moves a ticket up from station to headquarters.
struct Team: Codable, RowDecodable, Sendable {
    enum Level: String, Codable, Sendable, CaseIterable {
        case station, branch, headquarters

        /// 0 for a station, 2 for headquarters.
        var rank: Int { Level.allCases.firstIndex(of: self)! }
    }

    var id: String
    var name: String
    var level: Level
    var parentID: String?
    var calendarID: String
    var supervisorID: String?
    /// Handles P1 emergencies first.
    var quickResponse: Bool
    var partner: Bool
    /// This team's own time to accept, in place of the global setting.
    var acceptTimeoutSeconds: Int?
    /// Set by `DELETE /v1/teams/{id}`; kept by dispatch, ignored on input.
    var retiredAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, level, partner
        case acceptTimeoutSeconds = "accept_timeout_seconds"
        case parentID = "parent_id"
        case calendarID = "calendar_id"
        case supervisorID = "supervisor_id"
        case quickResponse = "quick_response"
        case retiredAt = "retired_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        level = try container.decode(Level.self, forKey: .level)
        parentID = try container.decodeIfPresent(String.self, forKey: .parentID)
        calendarID = try container.decodeIfPresent(String.self, forKey: .calendarID) ?? "standard"
        supervisorID = try container.decodeIfPresent(String.self, forKey: .supervisorID)
        quickResponse = try container.decodeIfPresent(Bool.self, forKey: .quickResponse) ?? false
        partner = try container.decodeIfPresent(Bool.self, forKey: .partner) ?? false
        acceptTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .acceptTimeoutSeconds)
        retiredAt = try container.decodeIfPresent(Date.self, forKey: .retiredAt)
    }

    static let columns = """
        id, name, level, parent_id, calendar_id, supervisor_id, quick_response, partner, accept_timeout_seconds, retired_at
        """

    /// Everything wrong with this team; `parentLevel` is the level of the named parent, if it exists.
    func problems(parentLevel: Level??, calendarExists: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        if id.wholeMatch(of: /[A-Za-z0-9_.-]{1,64}/) == nil {
            errors.append(FieldError(field: "/id", message: "must be 1 to 64 letters, digits, '.', '_' or '-'"))
        }
        if name.isEmpty { errors.append(FieldError(field: "/name", message: "must not be empty")) }
        switch (level, parentID, parentLevel) {
        case (.headquarters, nil, _): break
        case (.headquarters, _, _): errors.append(FieldError(field: "/parent_id", message: "headquarters has no parent"))
        case (_, nil, _): errors.append(FieldError(field: "/parent_id", message: "is required for a \(level.rawValue)"))
        case (_, _, .none), (_, _, .some(.none)): errors.append(FieldError(field: "/parent_id", message: "is not a team in service"))
        case (_, _, .some(.some(let parent))) where parent.rank != level.rank + 1:
            errors.append(FieldError(field: "/parent_id", message: "must be one level up (station → branch → headquarters)"))
        default: break
        }
        if !calendarExists { errors.append(FieldError(field: "/calendar_id", message: "is not a calendar")) }
        if let timeout = acceptTimeoutSeconds, !(1...7 * 86_400).contains(timeout) {
            errors.append(FieldError(field: "/accept_timeout_seconds", message: "must be 1 second to 7 days"))
        }
        if partner && level != .station { errors.append(FieldError(field: "/partner", message: "only a station can be a partner")) }
        return errors
    }
}
