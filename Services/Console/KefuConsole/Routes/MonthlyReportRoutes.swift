import Foundation
import HTTPTypes
import Hummingbird
import KefuServiceKit
import NIOCore
import NIOHTTP1

/// Survey's monthly report, one click from the KPIs: fetched in the supervisor's name and shown
/// as survey drew it. Survey escapes what it puts in; the page is also sandboxed, with no script.
enum MonthlyReportRoutes {
    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/kpis/monthly") { request, context -> Response in
            let person = try await console.auth.require(request, context, role: .supervisor, pages: console.pages)
            let month = request.uri.queryParameters.get("month") ?? ""
            let csv = request.uri.queryParameters.get("format") == "csv"
            let path = "/v1/reports/monthly?month=\(AdminPaths.segment(month))" + (csv ? "&format=csv" : "")
            guard let reply = await console.client.exchange(.GET, .survey, path, body: nil, as: person) else {
                return Pages.plain(status: .serviceUnavailable, person.language.text(.unavailable))
            }
            guard reply.status == 200 else {
                return Pages.plain(status: HTTPResponse.Status(code: reply.status), ServiceClient.detail(of: reply.json))
            }
            var headers = Pages.securityHeaders(contentType: reply.contentType ?? "text/html; charset=utf-8")
            headers[HTTPField.Name("Content-Security-Policy")!] =
                "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
            if csv { headers[.contentDisposition] = "attachment; filename=\"kefu-report-\(AdminPaths.segment(month)).csv\"" }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.bytes)))
        }
    }
}
