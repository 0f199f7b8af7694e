import Foundation
import Hummingbird

/// What an action came to, carried across its redirect in a short-lived cookie, so that the page
/// the person lands on says plainly whether it was done (and why not).
enum Flash {
    static let cookie = "kefu_flash"

    struct Message: Codable, Sendable {
        let ok: Bool
        let text: String
    }

    static func set(_ message: Message, on response: inout Response) {
        let value = (try? JSONEncoder().encode(message)).map { $0.base64EncodedString() } ?? ""
        response.setCookie(Cookie(name: cookie, value: value, maxAge: 60, path: "/", httpOnly: true, sameSite: .strict))
    }

    static func take(_ request: Request) -> Message? {
        guard let value = request.cookies[cookie]?.value, let data = Data(base64Encoded: value) else { return nil }
        return try? JSONDecoder().decode(Message.self, from: data)
    }

    static func clear(on response: inout Response) {
        response.setCookie(Cookie(name: cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
    }
}
