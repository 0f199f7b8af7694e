import Foundation
import HTTPTypes
import Hummingbird
import KefuServiceKit

/// The person behind a request, once their session is checked.
struct SignedIn: Sendable {
    let account: StaffAccount
    let csrf: String
    /// The session cookie's value, for signing out.
    let token: String
    let language: Language
    let address: String

    /// A bearer token for the other services, in this person's name and with their role, alive
    /// for a few minutes: the console never calls anything with more rights than the person has.
    func bearer(signer: TokenSigner, lifetime: Duration) throws -> String {
        try signer.sign(AccessToken(subject: account.subject, role: account.role.tokenRole, lifetime: lifetime, rateLimit: 50))
    }
}

/// Ends a page early with a response of its own: a redirect to sign in, a refusal.
struct PageExit: HTTPResponseError {
    let response: Response
    var status: HTTPResponse.Status { response.status }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }

    static func redirect(to location: String) -> PageExit {
        PageExit(response: Response(status: .seeOther, headers: [.location: location]))
    }
}

/// Sessions for pages: who is signed in, and whether a form came from the console itself.
struct ConsoleAuth: Sendable {
    static let sessionCookie = "kefu_session"
    static let backgroundHeader = HTTPField.Name("X-Kefu-Background")!
    let runtime: ServiceRuntime
    let configuration: ConsoleConfiguration

    func address(_ request: Request, _ context: KefuRequestContext) -> String {
        configuration.clientAddress.resolve(peer: context.remoteAddress?.ipAddress, headers: request.headers)
    }

    /// The signed-in person, or a redirect to the sign-in page (which comes back here after).
    /// A change of any kind must also carry the session's CSRF token: `checkForm` does that.
    func require(_ request: Request, _ context: KefuRequestContext) async throws -> SignedIn {
        guard let person = try await current(request, context) else {
            let back = request.uri.path == "/" ? "" : "?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            throw PageExit.redirect(to: "/login" + back)
        }
        if person.account.mustChangePassword && request.uri.path != "/password" && request.uri.path != "/logout" {
            throw PageExit.redirect(to: "/password")
        }
        return person
    }

    func current(_ request: Request, _ context: KefuRequestContext) async throws -> SignedIn? {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else { return nil }
        let idle = configuration.idleTimeout
        // The script marks what it asks for by itself (presence, live refreshes): not the person's use.
        let used = request.headers[Self.backgroundHeader] == nil
        guard let (account, csrf) = try await runtime.transaction({ work in
            try SessionStore.resume(token, idle: idle, used: used, on: work.connection)
        }) else {
            return nil
        }
        let language = Language(account.language) ?? Language(acceptLanguage: request.headers[.acceptLanguage])
        return SignedIn(account: account, csrf: csrf, token: token, language: language, address: address(request, context))
    }

    /// Whether the session behind a long-lived request (the live stream) is still open. It does
    /// not count as use: a stream left open in a tab does not keep an idle session alive.
    func isStillOpen(_ person: SignedIn) async throws -> Bool {
        let idle = configuration.idleTimeout
        let token = person.token
        return try await runtime.read { try SessionStore.isOpen(token, idle: idle, on: $0) }
    }

    /// A change's form, refused unless it carries this session's CSRF token and comes from this origin.
    func checkForm(_ request: Request, _ person: SignedIn) async throws -> [String: String] {
        try await checkSubmission(request, person, limit: 256 * 1024).fields
    }

    func sessionCookie(_ token: String) -> Cookie {
        Cookie(name: Self.sessionCookie, value: token, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .lax)
    }

    func endedCookie() -> Cookie {
        Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", secure: configuration.secureCookies, httpOnly: true,
               sameSite: .lax)
    }
}
