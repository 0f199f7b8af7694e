import Foundation
public import Hummingbird

/// What pages for people need from a form post: its fields, whether it came from this origin,
/// and a comparison of secrets that takes as long whatever they hold.
public enum WebForms {
    /// `application/x-www-form-urlencoded` fields; the first of a repeated name wins.
    public static func parse(_ bytes: [UInt8]) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first, form[name] == nil { form[name] = parts.count > 1 ? parts[1] : "" }
        }
        return form
    }

    /// The fields of a form sent with `method="get"`: its query, decoded as a form is, so that a
    /// "+" is the space a browser typed it for (the URI's own query parameters keep it a "+").
    public static func query(_ request: Request) -> [String: String] {
        parse(Array((request.uri.query ?? "").utf8))
    }

    /// `text` as a redirect target within this site: a path that starts with one "/" and holds no
    /// backslash or control character, which browsers would read as another host (`/\\evil`).
    public static func localPath(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return text
    }

    /// The path of the page a form was posted from, for going back to it.
    public static func referringPath(_ request: Request) -> String {
        localPath(request.headers[.referer].flatMap { URL(string: $0)?.path }) ?? "/"
    }

    /// A browser names the page's origin on a form post; another site's is refused.
    public static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin], origin != "null" else { return true }
        guard let host = request.head.authority else { return false }
        return URL(string: origin)?.host.map { originHost in
            let port = URL(string: origin)?.port.map { ":\($0)" } ?? ""
            return host == originHost + port || host == originHost
        } ?? false
    }

    public static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
