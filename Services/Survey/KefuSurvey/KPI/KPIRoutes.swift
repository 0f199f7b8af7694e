import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage
import NIOCore

/// `GET /v1/kpis` and the monthly report, for supervisors.
enum KPIRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, zone: TimeZone) {
        router.get("/v1/kpis") { request, context -> Response in
            try context.require(.supervise)
            let query = request.uri.queryParameters
            var errors: [FieldError] = []
            let from = query.get("from").flatMap { KPIQuery.instant($0, in: zone) }
            let to = query.get("to").flatMap { KPIQuery.instant($0, in: zone) }
            if from == nil { errors.append(FieldError(field: "from", message: "give a date (YYYY-MM-DD) or an RFC 3339 time")) }
            if to == nil { errors.append(FieldError(field: "to", message: "give a date (YYYY-MM-DD) or an RFC 3339 time")) }
            if let from, let to, to <= from { errors.append(FieldError(field: "to", message: "must be after from")) }
            var column: String?
            if let group = query.get("group_by") {
                column = KPIQuery.groups[group]
                if column == nil {
                    errors.append(FieldError(field: "group_by", message: "must be one of \(KPIQuery.groups.keys.sorted().joined(separator: ", "))"))
                }
            }
            guard errors.isEmpty, let from, let to else { throw Problem.invalid(errors) }
            let groupColumn = column
            let figures = try await runtime.read { try KPIQuery.figures(from: from, to: to, groupColumn: groupColumn, on: $0) }
            return try Response.json(KPIAnswer(from: from, to: to, groupBy: query.get("group_by") ?? "none", figures: figures))
        }

        router.get("/v1/reports/monthly") { request, context -> Response in
            try context.require(.supervise)
            let month = try request.requiredQuery("month")
            let format = request.uri.queryParameters.get("format") ?? "html"
            guard ["html", "csv"].contains(format) else {
                throw Problem.invalid([FieldError(field: "format", message: "must be html or csv")])
            }
            guard let report = try await runtime.read({ try MonthlyReport.load(month, zone: zone, on: $0) }) else {
                throw Problem.invalid([FieldError(field: "month", message: "must be a month, YYYY-MM")])
            }
            var headers = HTTPFields()
            if format == "csv" {
                headers[.contentType] = "text/csv; charset=utf-8"
                headers[.contentDisposition] = "attachment; filename=\"kefu-report-\(month).csv\""
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.csv)))
            }
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.html)))
        }
    }
}

/// The KPI answer: the period, the grouping and a figure set per group.
struct KPIAnswer: Encodable, Sendable {
    let from: Date
    let to: Date
    let groupBy: String
    let figures: [KPIQuery.Figures]

    enum CodingKeys: String, CodingKey {
        case from, to, figures
        case groupBy = "group_by"
    }
}
