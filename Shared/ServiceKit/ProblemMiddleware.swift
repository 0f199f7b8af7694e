import Foundation
public import Hummingbird
import HTTPTypes
import KefuContracts
import KefuStorage

/// Makes every error answer a problem document (docs/http-api.md, "Answers"), whatever raised
/// it, and keeps input the database cannot take from reaching it:
/// - Hummingbird's own errors (an unknown route, a path parameter that is not a number) become
///   problems with the same status;
/// - path parameters arrive percent-decoded, so `agent%2D1` names `agent-1`;
/// - a query parameter holding a NUL character is a 422 naming it (PostgreSQL text cannot hold
///   NUL);
/// - a value the database refuses as data (SQLSTATE class 22: out of range, an impossible date,
///   a NUL) is a 422, not a 500. Each route checks what it can name first; this is the net below.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = KefuRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        // Hummingbird decodes query values but not their names.
        if let name = request.uri.queryParameters.first(where: { ($0.key.removingPercentEncoding ?? "").contains("\0") || $0.value.contains("\0") })?.key {
            let decoded = (name.removingPercentEncoding ?? String(name)).filter { $0 != "\0" }
            throw Problem.invalid([FieldError(field: decoded, message: "must not contain NUL characters")])
        }
        var context = context
        context.coreContext.parameters = Parameters(context.parameters.map { ($0.key, Self.percentDecoded($0.value)) })
        do {
            return try await next(request, context)
        } catch let error as Problem {
            throw error
        } catch let error as HTTPError {
            // Hummingbird's 400 quotes the parameter it could not convert; a problem never repeats input.
            let detail = error.status == .badRequest ? "a path parameter is not of the type this route takes" : error.body
            throw Problem(error.status, title: error.status.reasonPhrase, detail: detail, headers: error.headers)
        } catch let error as PostgresError where error.isRefusedData {
            throw Problem(.unprocessableContent, title: "Invalid request",
                          detail: "a value is out of range, not a real date, or holds a NUL character")
        }
    }

    /// A NUL decoded from a path is left encoded: it cannot be stored, so it names nothing.
    static func percentDecoded(_ value: Substring) -> Substring {
        guard value.contains("%"), let decoded = value.removingPercentEncoding, !decoded.contains("\0") else { return value }
        return Substring(decoded)
    }
}

extension PostgresError {
    /// The database refused a value the request supplied.
    var isRefusedData: Bool {
        code == .nulInParameter || sqlState?.hasPrefix("22") == true
    }
}
