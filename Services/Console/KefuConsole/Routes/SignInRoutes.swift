import Foundation
import Hummingbird
import KefuServiceKit
import Logging

/// Signing in and out, the first password change, and the language a person picks.
enum SignInRoutes {
    static let loginCSRFCookie = "kefu_login_csrf"

    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/") { request, context -> Response in
            _ = try await console.auth.require(request, context)
            return Response(status: .seeOther, headers: [.location: "/queues/mine"])
        }

        router.get("/login") { request, context -> Response in
            if try await console.auth.current(request, context) != nil {
                return Response(status: .seeOther, headers: [.location: "/"])
            }
            let language = Language(acceptLanguage: request.headers[.acceptLanguage])
            let notice = request.uri.queryParameters.get("bye") != nil ? language.text(.sessionEnded) : nil
            return loginPage(console, language: language, next: WebForms.localPath(request.uri.queryParameters.get("next")),
                             notice: notice)
        }

        router.post("/login") { request, context -> Response in
            try await signIn(request, context, console: console)
        }

        router.post("/logout") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            _ = try await console.auth.checkForm(request, person)
            try await console.runtime.transaction { work in
                try SessionStore.end(person.token, in: work)
                try AuditLog.record("sign_out", by: person.account.username, staffID: person.account.id, address: person.address,
                                    in: work)
            }
            var response = Response(status: .seeOther, headers: [.location: "/login?bye=1"])
            response.setCookie(console.auth.endedCookie())
            return response
        }

        router.get("/password") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            return console.pages.page("password", title: person.language.text(.changePassword), language: person.language,
                                      person: person, page: "password")
        }

        router.post("/password") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let form = try await console.auth.checkForm(request, person)
            let password = form["password"] ?? ""
            let stored = try await console.runtime.read { try StaffStore.credentials(username: person.account.username, on: $0) }
            let current = await console.hasher.verify(form["current"] ?? "", against: stored?.1 ?? console.hasher.decoy)
            let problem: Text? = !current ? .wrongCredentials : password != form["again"] ? .passwordsDiffer
                : StaffStore.problems(username: person.account.username, displayName: person.account.displayName,
                                      password: password).isEmpty ? nil : .passwordRule
            if let problem {
                return console.pages.page("password", title: person.language.text(.changePassword), language: person.language,
                                          person: person, page: "password", values: ["notice": person.language.text(problem),
                                                                                     "notice_kind": "error"],
                                          status: .unprocessableContent)
            }
            let hash = await console.hasher.hash(password)
            try await console.runtime.transaction { work in
                try StaffStore.setPassword(person.account.id, hash: hash, mustChange: false, in: work)
                try SessionStore.endAll(of: person.account.id, except: person.token, in: work)
                try AuditLog.record("password_changed", by: person.account.username, staffID: person.account.id,
                                    address: person.address, in: work)
            }
            return Response(status: .seeOther, headers: [.location: "/"])
        }

        router.post("/me/language") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let form = try await console.auth.checkForm(request, person)
            let language = Language(form["language"])
            try await console.runtime.transaction { work in
                try StaffStore.setLanguage(person.account.id, language: language?.rawValue, in: work)
            }
            return Response(status: .seeOther, headers: [.location: WebForms.referringPath(request)])
        }
    }

    static func loginPage(_ console: Console, language: Language, next: String?, username: String = "", notice: String? = nil,
                          noticeKind: String = "info", status: HTTPResponse.Status = .ok) -> Response {
        let csrf = RandomToken.make()
        var response = console.pages.page("login", title: language.text(.signIn), language: language, person: nil, page: "login",
                                          values: ["login_csrf": csrf, "next": next ?? "", "username": username,
                                                   "notice": notice as Any, "notice_kind": noticeKind], status: status)
        response.setCookie(Cookie(name: loginCSRFCookie, value: csrf, maxAge: 3600, path: "/login",
                                  secure: console.configuration.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    private static func signIn(_ request: Request, _ context: KefuRequestContext, console: Console) async throws -> Response {
        let form = WebForms.parse(try await request.bodyBytes(limit: 16 * 1024))
        let language = Language(acceptLanguage: request.headers[.acceptLanguage])
        guard WebForms.isSameOrigin(request), let cookie = request.cookies[loginCSRFCookie]?.value, let field = form["csrf"],
              !cookie.isEmpty, WebForms.constantTimeEqual(cookie, field) else {
            return Pages.plain(status: .forbidden, language.text(.csrfRefused))
        }
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form["password"] ?? ""
        let address = console.auth.address(request, context)
        let next = WebForms.localPath(form["next"])
        let configuration = console.configuration
        guard try await console.runtime.transaction({ work in
            try SignInThrottle.admit(username: username, address: address, limit: configuration.signInLimit,
                                     window: configuration.signInWindow, in: work)
        }) else {
            console.runtime.logger.warning("sign-in throttled", metadata: ["username": "\(username)", "address": "\(address)"])
            return loginPage(console, language: language, next: next, username: username, notice: language.text(.throttled),
                             noticeKind: "error", status: .tooManyRequests)
        }
        let found = try await console.runtime.read { try StaffStore.credentials(username: username, on: $0) }
        let matches = await console.hasher.verify(password, against: found?.1 ?? console.hasher.decoy)
        guard let (account, _) = found, matches, account.disabledAt == nil else {
            // The attempt is already counted (SignInThrottle.admit).
            try await console.runtime.transaction { work in
                try AuditLog.record("sign_in_failed", by: username, staffID: found?.0.id, address: address, in: work)
            }
            return loginPage(console, language: language, next: next, username: username,
                             notice: language.text(.wrongCredentials), noticeKind: "error", status: .unauthorized)
        }
        let opened = try await console.runtime.transaction { work in
            try SignInThrottle.clear(username: username, in: work)
            try AuditLog.record("sign_in", by: username, staffID: account.id, address: address, in: work)
            return try SessionStore.open(for: account.id, address: address, in: work)
        }
        var response = Response(status: .seeOther, headers: [.location: next ?? "/"])
        response.setCookie(console.auth.sessionCookie(opened.token))
        response.setCookie(Cookie(name: loginCSRFCookie, value: "", maxAge: 0, path: "/login"))
        return response
    }
}
