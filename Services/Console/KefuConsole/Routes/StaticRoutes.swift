import Crypto
import Foundation
import Hummingbird
import KefuServiceKit

/// The script and the style sheet, from the binary itself; cached by browsers, revalidated by ETag.
enum StaticRoutes {
    static let assets: [String: (type: String, body: String)] = [
        "/static/console.js": ("text/javascript; charset=utf-8", ConsoleScript.text),
        "/static/console.css": ("text/css; charset=utf-8", ConsoleStyle.text),
    ]

    static let etags: [String: String] = assets.mapValues { asset in
        "\"" + SHA256.hash(data: Data(asset.body.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
    }

    static func add(to router: Router<KefuRequestContext>) {
        for (path, asset) in assets {
            router.get(RouterPath(path)) { request, _ -> Response in
                var headers = Pages.securityHeaders(contentType: asset.type)
                headers[.cacheControl] = "no-cache"
                headers[.eTag] = etags[path]
                if request.headers[.ifNoneMatch] == etags[path] { return Response(status: .notModified, headers: headers) }
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: asset.body)))
            }
        }
    }
}
