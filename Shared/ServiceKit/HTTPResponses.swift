import Foundation
public import HTTPTypes
public import Hummingbird
public import KefuContracts
import NIOCore

extension Response {
    /// A JSON body in Kefu's wire format (snake_case, RFC 3339 dates).
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let bytes = try KefuJSON.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// An RFC 9457 problem, answered as `application/problem+json`.
public struct Problem: Error, HTTPResponseError, Encodable {
    public let status: HTTPResponse.Status
    public let title: String
    public let detail: String?
    public let errors: [FieldError]?
    /// Sent with the problem, e.g. `Retry-After` or `WWW-Authenticate`.
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, title: String, detail: String? = nil, errors: [FieldError]? = nil,
                headers: HTTPFields = [:]) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("about:blank", forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encodeIfPresent(errors, forKey: .errors)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try KefuJSON.encode(self))))
    }

    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, title: "Not found", detail: "\(what) does not exist")
    }

    public static func conflict(_ title: String, detail: String) -> Problem {
        Problem(.conflict, title: title, detail: detail)
    }

    /// The caller is known and allowed the kind of action, but not on this thing.
    public static func forbidden(_ title: String, detail: String) -> Problem {
        Problem(.forbidden, title: title, detail: detail)
    }

    public static func invalid(_ errors: [FieldError]) -> Problem {
        Problem(.unprocessableContent, title: "Invalid request", detail: "see errors", errors: errors)
    }
}

extension Request {
    /// The body as bytes, refusing more than `limit` with 413.
    public func bodyBytes(limit: Int = 1 << 20) async throws -> [UInt8] {
        do {
            let buffer = try await body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw Problem(.contentTooLarge, title: "Body too large", detail: "at most \(limit) bytes are accepted")
        }
    }

    /// A query parameter the endpoint cannot do without; its absence is a 422 naming it.
    public func requiredQuery(_ name: String) throws -> String {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else {
            throw Problem.invalid([FieldError(field: name, message: "query parameter is required")])
        }
        return value
    }

    /// Decodes a JSON body into `type`: 422 naming the field that does not fit, 400 when it is not JSON.
    public func decodeJSON<Value: Decodable>(_ type: Value.Type, limit: Int = 1 << 20) async throws -> Value {
        try Self.decodeJSON(type, from: try await bodyBytes(limit: limit))
    }

    /// `decodeJSON` of a body already read, for a route that also takes an empty one.
    public static func decodeJSON<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        let value: Value
        do {
            value = try KefuJSON.decode(type, from: bytes)
        } catch let error as DecodingError {
            if let field = error.fieldError { throw Problem.invalid([field]) }
            guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else {
                throw Problem(.badRequest, title: "Malformed JSON", detail: "the body is not valid JSON")
            }
            // Foundation names no field for a number that does not fit (1.5 or 1e20 for a whole
            // number), nor for a body of the wrong kind, such as a list where an object is due.
            if case .typeMismatch = error {
                throw Problem(.badRequest, title: "Wrong body", detail: "the body is JSON, but not the kind of value this operation takes")
            }
            throw Problem.invalid([FieldError(field: "", message: "a number does not fit its field: a fraction or too large")])
        } catch {
            throw Problem(.badRequest, title: "Malformed JSON", detail: "the body is not valid JSON")
        }
        // PostgreSQL text cannot hold NUL: name the field rather than fail at the database.
        if let field = NULCharacters.firstField(inJSON: bytes) {
            throw Problem.invalid([FieldError(field: field, message: "must not contain NUL characters")])
        }
        return value
    }
}
