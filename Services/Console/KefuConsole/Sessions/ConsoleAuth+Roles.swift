import Foundation
import HTTPTypes
import Hummingbird
import KefuServiceKit

/// Pages and actions for supervisors and administrators check the role on the server, every
/// time: a button that is not drawn is not a permission (docs/console.md, "Roles").
extension ConsoleAuth {
    /// The signed-in person if their role is `least` or above; otherwise a 403 page.
    func require(_ request: Request, _ context: KefuRequestContext, role least: StaffAccount.Role, pages: Pages)
        async throws -> SignedIn {
        let person = try await require(request, context)
        guard person.account.role.includes(least) else {
            let words = least == .admin ? person.language.text(.adminsOnly)
                : person.language.say("Only supervisors and administrators may see this.", "只有主管和管理员可以查看此页。")
            throw PageExit(response: pages.page("message", title: "403", language: person.language, person: person, page: "",
                                                values: ["heading": "403", "text": words], status: .forbidden))
        }
        return person
    }

    /// A submitted form, urlencoded or with files, refused unless it carries this session's CSRF
    /// token and comes from this origin.
    func checkSubmission(_ request: Request, _ person: SignedIn, limit: Int = 32 << 20) async throws -> MultipartForm {
        let bytes = try await request.bodyBytes(limit: limit)
        var submitted = MultipartForm()
        if let boundary = MultipartForm.boundary(of: request.headers[.contentType]) {
            guard let parsed = MultipartForm(bytes, boundary: boundary) else {
                throw PageExit(response: Pages.plain(status: .badRequest, person.language.say("The form could not be read.", "无法读取表单。")))
            }
            submitted = parsed
        } else {
            submitted.fields = WebForms.parse(bytes)
        }
        let offered = submitted.fields["csrf"] ?? request.headers[HTTPField.Name("X-CSRF-Token")!] ?? ""
        guard WebForms.isSameOrigin(request), WebForms.constantTimeEqual(offered, person.csrf) else {
            throw PageExit(response: Pages.plain(status: .forbidden, person.language.text(.csrfRefused)))
        }
        return submitted
    }
}

/// Admins may do all that supervisors may, and supervisors all that agents may.
extension StaffAccount.Role: Comparable {
    private var rank: Int {
        switch self {
        case .agent: 0
        case .supervisor: 1
        case .admin: 2
        }
    }

    static func < (lhs: StaffAccount.Role, rhs: StaffAccount.Role) -> Bool { lhs.rank < rhs.rank }

    func includes(_ least: StaffAccount.Role) -> Bool { self >= least }
}
