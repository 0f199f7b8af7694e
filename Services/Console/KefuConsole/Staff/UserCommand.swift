import Foundation
import KefuContracts
import KefuServiceKit

/// `kefu-console user add --username NAME [--name "Display Name"] --role agent|supervisor|admin
/// [--agent AGENT_ID] [--language zh-CN|en] [--if-missing]`: a new account, whose one-time
/// password is printed once (see `StaffProvisioning`). With `--if-missing`, an existing account
/// of that name is left as it is and nothing is printed, so the run command can ask every time.
///
/// `kefu-console user reset --username NAME`: a new one-time password for an account, printed
/// once; its sessions end. This is how an operator gets back in when the admin's password is lost.
enum UserCommand {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let usage = """
        usage: kefu-console user add --username NAME [--name "Display Name"] --role agent|supervisor|admin \
        [--agent AGENT_ID] [--language zh-CN|en] [--if-missing]
               kefu-console user reset --username NAME
        """

    static func run(_ arguments: [String], runtime: ServiceRuntime, client: ServiceClient,
                    configuration: ConsoleConfiguration) async throws {
        let (options, flags) = try parse(arguments.dropFirst())
        let hasher = PasswordHasher(cost: configuration.bcryptCost)
        switch arguments.first {
        case "add":
            try await add(options, ifMissing: flags.contains("if-missing"), runtime: runtime, client: client, hasher: hasher)
        case "reset":
            try await reset(username: options["username"] ?? "", runtime: runtime, hasher: hasher)
        default:
            throw Failure(description: usage)
        }
    }

    /// `--name value` pairs, and the flags that take no value.
    static func parse(_ arguments: ArraySlice<String>) throws -> (options: [String: String], flags: Set<String>) {
        var options: [String: String] = [:]
        var flags: Set<String> = []
        var rest = arguments
        while let name = rest.popFirst() {
            guard name.hasPrefix("--") else { throw Failure(description: "unexpected \(name)\n" + usage) }
            if name == "--if-missing" {
                flags.insert("if-missing")
                continue
            }
            guard let value = rest.popFirst() else { throw Failure(description: "\(name) needs a value") }
            options[String(name.dropFirst(2))] = value
        }
        return (options, flags)
    }

    static func add(_ options: [String: String], ifMissing: Bool, runtime: ServiceRuntime, client: ServiceClient,
                    hasher: PasswordHasher) async throws {
        guard let role = StaffAccount.Role(rawValue: options["role"] ?? "") else {
            throw Failure(description: "--role must be agent, supervisor or admin")
        }
        let username = options["username"] ?? ""
        let new = StaffProvisioning.NewAccount(username: username, displayName: options["name"] ?? username, role: role,
                                               agentID: options["agent"], language: options["language"])
        let actor = StaffProvisioning.Actor(username: "kefu-console user add", staffID: nil, address: "local")
        switch try await StaffProvisioning.add(new, by: actor, runtime: runtime, client: client, hasher: hasher) {
        case .added(let account, let password):
            print("user \(account.username) (\(account.role.rawValue)) added; one-time password: \(password)")
        case .exists:
            if !ifMissing { throw Failure(description: "a user named \(username.lowercased()) exists") }
        case .refused(let problems):
            throw Failure(description: problems.map { "--\($0.field) \($0.message)" }.joined(separator: "; "))
        case .dispatchFailed(let reason):
            throw Failure(description: reason)
        }
    }

    static func reset(username: String, runtime: ServiceRuntime, hasher: PasswordHasher) async throws {
        guard !username.isEmpty else { throw Failure(description: "--username is required\n" + usage) }
        guard let (account, _) = try await runtime.read({ try StaffStore.credentials(username: username.lowercased(), on: $0) })
        else { throw Failure(description: "no user named \(username.lowercased())") }
        let actor = StaffProvisioning.Actor(username: "kefu-console user reset", staffID: nil, address: "local")
        let password = try await StaffProvisioning.resetPassword(of: account, by: actor, runtime: runtime, hasher: hasher)
        print("user \(account.username): one-time password: \(password)")
    }
}
