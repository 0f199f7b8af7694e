import Foundation
import KefuContracts

/// One supervisor's or administrator's page: who may see it, how it is drawn, and what its forms
/// do. `ScreenRoutes` serves every one the same way.
struct ScreenRoute: Sendable {
    /// `/floor`, `/admin/teams`: the page; its forms post to `path/<action>`.
    let path: String
    /// The least role that may see the page (each action names its own).
    let role: StaffAccount.Role
    /// Which entry of the navigation it lights up.
    let nav: String
    let draw: @Sendable (ScreenRequest) async throws -> Screen
    var actions: [String: ScreenAction] = [:]
}

/// What a page is drawn for: who asks, the path's parameters and query, and a form sent back.
struct ScreenRequest: Sendable {
    let person: SignedIn
    let console: Console
    /// The path as asked (`/tickets/KF-1/story`), where forms send the browser back to.
    let path: String
    var parameters: [String: String] = [:]
    var query: [String: String] = [:]
    var state: FormState = .none

    var language: Language { person.language }

    func with(_ state: FormState) -> ScreenRequest {
        var copy = self
        copy.state = state
        return copy
    }

    func get(_ backend: ServiceClient.Backend, _ path: String) async -> ServiceClient.Answer {
        await console.client.get(backend, path, as: person)
    }
}

/// What one of a page's forms does.
struct ScreenAction: Sendable {
    /// What a form asks for, once read.
    enum Prepared: Sendable {
        case send(BackendChange)
        /// Refused before anything was sent: errors by field, and the rest.
        case invalid([String: String], problems: [String] = [])
    }

    /// The least role that may do it.
    let role: StaffAccount.Role
    /// The form it comes from, shown again with errors.
    let form: String
    let prepare: @Sendable (MultipartForm, SignedIn) async throws -> Prepared

    init(_ role: StaffAccount.Role, form: String, prepare: @escaping @Sendable (MultipartForm, SignedIn) async throws -> Prepared) {
        self.role = role
        self.form = form
        self.prepare = prepare
    }
}
