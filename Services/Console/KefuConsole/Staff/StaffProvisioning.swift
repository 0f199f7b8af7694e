import Foundation
import KefuContracts
import KefuServiceKit
import NIOHTTP1

/// Adding a person, from `kefu-console user add` or an admin's page alike: a one-time password,
/// to be changed at first sign-in, and for an agent the dispatch agent they act as, linked when
/// it exists and created when it does not.
enum StaffProvisioning {
    struct NewAccount: Sendable {
        var username: String
        var displayName: String
        var role: StaffAccount.Role
        /// The dispatch agent; an agent's defaults to the username.
        var agentID: String?
        var language: String?
    }

    enum Outcome: Sendable {
        case added(StaffAccount, password: String)
        case exists
        case refused([FieldError])
        /// Dispatch did not take the agent: nothing was added.
        case dispatchFailed(String)
    }

    /// Who asked, for the audit log.
    struct Actor: Sendable {
        let username: String
        let staffID: UUID?
        let address: String
    }

    static func add(_ new: NewAccount, by actor: Actor, runtime: ServiceRuntime, client: ServiceClient,
                    hasher: PasswordHasher) async throws -> Outcome {
        let username = new.username.lowercased()
        let password = String(RandomToken.make().prefix(20))
        var problems = StaffStore.problems(username: username, displayName: new.displayName, password: password)
        if let language = new.language, Language(language) == nil {
            problems.append(FieldError(field: "language", message: "must be zh-CN or en"))
        }
        guard problems.isEmpty else { return .refused(problems) }
        if try await runtime.read({ try StaffStore.credentials(username: username, on: $0) }) != nil { return .exists }
        let agentID = new.role == .agent ? (new.agentID?.nilIfEmpty ?? username) : new.agentID?.nilIfEmpty
        if let agentID {
            let created = await client.administer(.POST, .dispatch, "/v1/agents",
                                                  .object(["id": .string(agentID), "name": .string(new.displayName)]))
            switch created {
            case .ok, .refused(409, _): break  // created, or there already: linked either way
            case .refused(_, let detail): return .dispatchFailed("dispatch refused the agent: \(detail)")
            case .unavailable(let reason): return .dispatchFailed(reason)
            }
        }
        let account = StaffAccount(id: UUID(), username: username, displayName: new.displayName, role: new.role,
                                   agentID: agentID, language: new.language.flatMap(Language.init)?.rawValue,
                                   mustChangePassword: true, disabledAt: nil)
        let hash = await hasher.hash(password)
        let saved = try await runtime.transaction { work -> StaffAccount? in
            guard let saved = try StaffStore.create(account, passwordHash: hash, in: work) else { return nil }
            try AuditLog.record("user_added", by: actor.username, staffID: actor.staffID, address: actor.address, target: username,
                                detail: ["role": .string(new.role.rawValue)], in: work)
            return saved
        }
        guard let saved else { return .exists }
        return .added(saved, password: password)
    }

    /// Gives `account` another role. Someone who becomes an agent needs an agent in dispatch, as a
    /// new agent does; the role holds from their next request, since sessions read it each time.
    static func changeRole(of account: StaffAccount, to role: StaffAccount.Role, by actor: Actor, runtime: ServiceRuntime,
                           client: ServiceClient) async throws -> String? {
        var agentID = account.agentID
        if role == .agent, agentID == nil {
            agentID = account.username
            switch await client.administer(.POST, .dispatch, "/v1/agents",
                                           .object(["id": .string(account.username), "name": .string(account.displayName)])) {
            case .ok, .refused(409, _): break
            case .refused(_, let detail): return "dispatch refused the agent: \(detail)"
            case .unavailable(let reason): return reason
            }
        }
        let linked = agentID
        try await runtime.transaction { work in
            try StaffStore.setRole(account.id, role, agentID: linked, in: work)
            try AuditLog.record("role_changed", by: actor.username, staffID: actor.staffID, address: actor.address,
                                target: account.username,
                                detail: ["from": .string(account.role.rawValue), "to": .string(role.rawValue)], in: work)
        }
        return nil
    }

    /// A new one-time password for `account`, whose sessions all end: the admin page's reset and
    /// `kefu-console user reset` alike.
    static func resetPassword(of account: StaffAccount, by actor: Actor, runtime: ServiceRuntime,
                              hasher: PasswordHasher) async throws -> String {
        let password = String(RandomToken.make().prefix(20))
        let hash = await hasher.hash(password)
        try await runtime.transaction { work in
            try StaffStore.setPassword(account.id, hash: hash, mustChange: true, in: work)
            try SessionStore.endAll(of: account.id, in: work)
            try AuditLog.record("password_reset", by: actor.username, staffID: actor.staffID, address: actor.address,
                                target: account.username, in: work)
        }
        return password
    }
}
