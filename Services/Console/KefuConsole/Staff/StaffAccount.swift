import Foundation
import KefuServiceKit

/// A person who signs in to the console: an agent, a supervisor or an administrator.
struct StaffAccount: Codable, RowDecodable, Sendable, Hashable {
    enum Role: String, Codable, Sendable, CaseIterable {
        case agent, supervisor, admin

        /// The role of the bearer tokens the console mints for this person.
        var tokenRole: KefuServiceKit.Role {
            switch self {
            case .agent: .agent
            case .supervisor: .supervisor
            case .admin: .admin
            }
        }

        var supervises: Bool { self != .agent }
    }

    let id: UUID
    var username: String
    var displayName: String
    var role: Role
    var agentID: String?
    var language: String?
    var mustChangePassword: Bool
    var disabledAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, username, role, language
        case displayName = "display_name"
        case agentID = "agent_id"
        case mustChangePassword = "must_change_password"
        case disabledAt = "disabled_at"
    }

    static let columns = "id, username, display_name, role, agent_id, language, must_change_password, disabled_at"

    /// Who this person is to the other services: their agent id, else their username.
    var subject: String { agentID ?? username }
}
