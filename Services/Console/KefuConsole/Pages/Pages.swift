import Foundation
import HTTPTypes
import Hummingbird
import KefuServiceKit
import Mustache

/// Renders the console's pages and wraps them with the headers every page carries: a strict
/// Content-Security-Policy (scripts and styles from the console itself only, no inline script),
/// no framing, no MIME sniffing, no caching of what a person saw.
struct Pages: Sendable {
    let library: MustacheLibrary

    init() throws {
        library = try MustacheHTML.library(Templates.all)
    }

    /// A whole page, with the layout's common values for `person` (or for nobody, signing in).
    func page(_ template: String, title: String, language: Language, person: SignedIn?, page: String,
              values: [String: Any] = [:], status: HTTPResponse.Status = .ok) -> Response {
        var context: [String: Any] = [
            "t": language.texts, "lang": language.rawValue, "title": title, "page": page,
            "other_lang": language == .zh ? Language.en.rawValue : Language.zh.rawValue,
        ]
        if let person {
            context["signed_in"] = true
            context["csrf"] = person.csrf
            context["display_name"] = person.account.displayName
            context["me"] = person.account.subject
            // Until a one-time password is changed, every other page (the stream too) sends
            // the person back to change it.
            if !person.account.mustChangePassword { context["live"] = "/events" }
            context["is_admin"] = person.account.role == .admin
            context["supervises"] = person.account.role.supervises
        }
        context["nav_\(page)"] = true
        context.merge(values) { _, new in new }
        return Self.html(library.render(Self.plain(context), withTemplate: template) ?? "", status: status)
    }

    /// A piece of a page, for the script to swap in place.
    func fragment(_ template: String, language: Language, values: [String: Any]) -> Response {
        var context: [String: Any] = ["t": language.texts]
        context.merge(values) { _, new in new }
        return Self.html(library.render(Self.plain(context), withTemplate: template) ?? "")
    }

    /// Values without optionals: a missing value is left out, so that `{{#notice}}` is false for
    /// it (Mustache would otherwise print "nil").
    static func plain(_ values: [String: Any]) -> [String: Any] {
        values.compactMapValues(unwrapped)
    }

    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return unwrapped(wrapped)
        }
        if let dictionary = value as? [String: Any] { return plain(dictionary) }
        if let dictionary = value as? [String: Any?] { return dictionary.compactMapValues { $0.flatMap(unwrapped) } }
        if let list = value as? [Any] { return list.compactMap(unwrapped) }
        return value
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: securityHeaders(contentType: "text/html; charset=utf-8"),
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A page with one line of text, for refusals before anything else can be rendered.
    static func plain(status: HTTPResponse.Status, _ text: String) -> Response {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Kefu</title></head><body><p>\(escaped)</p></body></html>",
                    status: status)
    }

    static func securityHeaders(contentType: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return headers
    }
}
