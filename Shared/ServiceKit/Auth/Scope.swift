/// What a token allows. `admin` allows everything.
public struct Scope: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Submit tickets and raw mail (integrators); allows `ticketsSubmit` too.
    public static let ticketsWrite = Scope(rawValue: "tickets:write")
    /// Submit tickets through `POST /v1/tickets` and nothing else: the help centre's contact form.
    public static let ticketsSubmit = Scope(rawValue: "tickets:submit")
    /// Read tickets; an integrator's token reads only the tickets it submitted.
    public static let ticketsRead = Scope(rawValue: "tickets:read")
    public static let customersRead = Scope(rawValue: "customers:read")
    /// Change, export and erase customers.
    public static let customersAdmin = Scope(rawValue: "customers:admin")
    /// Work tickets as an agent: accept, resolve, see agents.
    public static let agentsWork = Scope(rawValue: "agents:work")
    /// Act on any agent's tickets and see every queue, clock and agent's load.
    public static let supervise = Scope(rawValue: "tickets:supervise")
    public static let admin = Scope(rawValue: "admin")

    public static let all: [Scope] = [.ticketsWrite, .ticketsSubmit, .ticketsRead, .customersRead, .customersAdmin, .agentsWork, .supervise, .admin]

    public var description: String { rawValue }
}

/// Who a token is for; each role has default scopes.
public enum Role: String, Codable, Sendable, CaseIterable {
    case integrator, agent, supervisor, admin

    public var defaultScopes: [Scope] {
        switch self {
        case .integrator: [.ticketsWrite, .ticketsRead]
        case .agent: [.ticketsRead, .customersRead, .agentsWork]
        case .supervisor: [.ticketsRead, .customersRead, .agentsWork, .supervise]
        case .admin: [.admin]
        }
    }
}
