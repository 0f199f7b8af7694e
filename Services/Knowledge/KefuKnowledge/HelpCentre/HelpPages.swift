import Foundation
import HTTPTypes
import Hummingbird
import KefuServiceKit
import Mustache
import NIOCore

/// Renders the help centre's pages, with the headers every page carries: a Content-Security-
/// Policy that allows the help centre's own stylesheet and forms and nothing else (no script at
/// all), no framing, no MIME sniffing, no referrer (article links carry the ticket's token).
struct HelpPages: Sendable {
    let library: MustacheLibrary
    let contact: Bool

    init(contact: Bool) throws {
        library = try MustacheHTML.library(HelpTemplates.all)
        self.contact = contact
    }

    static let languages = ["zh-CN", "en"]

    func render(_ template: String, language: String, title: String, values: [String: Any] = [:],
                status: HTTPResponse.Status = .ok) -> Response {
        var context: [String: Any] = [
            "t": HelpTexts.texts(language), "lang": language, "title": title,
            "other_lang": language == "en" ? "zh-CN" : "en",
        ]
        if contact { context["contact"] = true }
        context.merge(values) { _, new in new }
        return Self.html(library.render(context, withTemplate: template) ?? "", status: status)
    }

    /// A page with a heading and a line, from the texts named `<key>_title` and `<key>_text`.
    func message(_ key: String, language: String, status: HTTPResponse.Status, extra: String = "", back: String? = nil) -> Response {
        let texts = HelpTexts.texts(language)
        var values: [String: Any] = ["heading": texts["\(key)_title"] ?? "", "text": (texts["\(key)_text"] ?? "") + extra]
        if let back { values["back"] = back }
        return render("message", language: language, title: texts["\(key)_title"] ?? "", values: values, status: status)
    }

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static func headers(contentType: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.init("Content-Security-Policy")!] = contentSecurityPolicy
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        return headers
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = headers(contentType: "text/html; charset=utf-8")
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
