import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// Admins add people, reset their passwords and disable them. A new or reset password is shown
/// once, on the page that answers the form, and never stored but as its hash.
enum StaffRoutes {
    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/admin/users") { request, context -> Response in
            let person = try await console.auth.require(request, context, role: .admin, pages: console.pages)
            guard let notice = Flash.take(request) else { return try await page(person, console: console) }
            var response = try await page(person, console: console, notice: notice.text, ok: notice.ok)
            Flash.clear(on: &response)
            return response
        }

        router.post("/admin/users") { request, context -> Response in
            let person = try await console.auth.require(request, context, role: .admin, pages: console.pages)
            let form = try await console.auth.checkForm(request, person)
            guard let role = StaffAccount.Role(rawValue: form["role"] ?? "") else {
                return try await page(person, console: console, notice: "role: must be agent, supervisor or admin", ok: false,
                                      status: .unprocessableContent)
            }
            let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
            let displayName = (form["display_name"] ?? "").trimmingCharacters(in: .whitespaces)
            let new = StaffProvisioning.NewAccount(username: username, displayName: displayName.isEmpty ? username : displayName,
                                                   role: role, agentID: form["agent_id"], language: form["language"]?.nilIfEmpty)
            let actor = StaffProvisioning.Actor(username: person.account.username, staffID: person.account.id,
                                                address: person.address)
            let language = person.language
            switch try await StaffProvisioning.add(new, by: actor, runtime: console.runtime, client: console.client,
                                                   hasher: console.hasher) {
            case .added(let account, let password):
                return try await page(person, console: console, notice: language.text(.oneTimePassword) + " \(account.username): ",
                                      password: password)
            case .exists:
                return try await page(person, console: console, notice: language.text(.userExists), ok: false, status: .conflict)
            case .refused(let problems):
                return try await page(person, console: console, notice: problems.map { "\($0.field): \($0.message)" }
                    .joined(separator: "; "), ok: false, status: .unprocessableContent)
            case .dispatchFailed(let reason):
                return try await page(person, console: console, notice: reason, ok: false, status: .badGateway)
            }
        }

        router.post("/admin/users/{id}/{change}") { request, context -> Response in
            let person = try await console.auth.require(request, context, role: .admin, pages: console.pages)
            let form = try await console.auth.checkForm(request, person)
            guard let id = UUID(uuidString: try context.parameters.require("id")),
                  let account = try await console.runtime.read({ try StaffStore.account(id: id, on: $0) }) else {
                return try await page(person, console: console, notice: person.language.text(.notFound), ok: false,
                                      status: .notFound)
            }
            switch try context.parameters.require("change") {
            case "reset":
                let actor = StaffProvisioning.Actor(username: person.account.username, staffID: person.account.id,
                                                    address: person.address)
                let password = try await StaffProvisioning.resetPassword(of: account, by: actor, runtime: console.runtime,
                                                                         hasher: console.hasher)
                return try await page(person, console: console,
                                      notice: person.language.text(.oneTimePassword) + " \(account.username): ", password: password)
            case "role":
                guard let role = StaffAccount.Role(rawValue: form["role"] ?? "") else {
                    return try await page(person, console: console, notice: "role: must be agent, supervisor or admin", ok: false,
                                          status: .unprocessableContent)
                }
                guard account.id != person.account.id else {
                    return try await page(person, console: console, notice: person.language.text(.notYourself), ok: false,
                                          status: .conflict)
                }
                let actor = StaffProvisioning.Actor(username: person.account.username, staffID: person.account.id,
                                                    address: person.address)
                if let failure = try await StaffProvisioning.changeRole(of: account, to: role, by: actor, runtime: console.runtime,
                                                                        client: console.client) {
                    return try await page(person, console: console, notice: failure, ok: false, status: .badGateway)
                }
                var response = Response(status: .seeOther, headers: [.location: "/admin/users"])
                Flash.set(Flash.Message(ok: true, text: person.language.say("\(account.username) is now \(role.rawValue).",
                                                                            "\(account.username) 的角色已改为 \(role.rawValue)。")),
                          on: &response)
                return response
            case "disable", "enable":
                let disable = try context.parameters.require("change") == "disable"
                guard account.id != person.account.id else {
                    return try await page(person, console: console, notice: person.language.text(.notYourself), ok: false,
                                          status: .conflict)
                }
                try await console.runtime.transaction { work in
                    try StaffStore.setDisabled(id, disable, in: work)
                    if disable { try SessionStore.endAll(of: id, in: work) }
                    try AuditLog.record(disable ? "user_disabled" : "user_enabled", by: person.account.username,
                                        staffID: person.account.id, address: person.address, target: account.username, in: work)
                }
                return Response(status: .seeOther, headers: [.location: "/admin/users"])
            default:
                return Pages.plain(status: .notFound, person.language.text(.notFound))
            }
        }
    }

    static func page(_ person: SignedIn, console: Console, notice: String? = nil, ok: Bool = true, password: String? = nil,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let accounts = try await console.runtime.read { try StaffStore.all(on: $0) }
        let rows = accounts.map { account -> [String: Any] in
            ["id": account.id.uuidString, "username": account.username, "display_name": account.displayName,
             "role": account.role.rawValue, "agent_id": account.agentID ?? "", "language": account.language ?? "",
             "disabled": account.disabledAt != nil, "csrf": person.csrf,
             "role_options": StaffAccount.Role.allCases.map { ["value": $0.rawValue, "selected": $0 == account.role] }]
        }
        var values: [String: Any] = ["accounts": rows, "roles": StaffAccount.Role.allCases.map(\.rawValue)]
        if let notice {
            values["notice"] = notice
            values["notice_kind"] = ok ? "ok" : "error"
        }
        if let password { values["one_time_password"] = password }
        return console.pages.page("users", title: person.language.text(.users), language: person.language, person: person,
                                  page: "users", values: values, status: status)
    }
}
