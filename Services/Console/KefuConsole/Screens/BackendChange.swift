import Foundation
import KefuContracts
import NIOHTTP1

/// A change that a form asks of one of the services, in the signed-in person's name: what to
/// send, and how the audit log names it.
struct BackendChange: Sendable {
    enum Body: Sendable {
        case none
        case json(JSONValue)
        case raw([UInt8], contentType: String)
    }

    var method: HTTPMethod
    var backend: ServiceClient.Backend
    var path: String
    var body: Body = .none
    /// The audit log's name for it; nil for what changes nothing (a preview, the try-it box).
    var audit: String?
    var target: String?
    var timeout: Double?
    /// Draws the page again with the answer (a one-time secret, a trained model's figures)
    /// instead of sending the browser back to it.
    var showsAnswer = false
    /// What the page says once it is done.
    var done: String
}

/// What a change came to.
enum ChangeOutcome: Sendable {
    case done(JSONValue)
    /// The service refused what was sent, naming each bad field (a JSON pointer, or a query parameter).
    case invalid([(field: String, message: String)], detail: String)
    case refused(status: Int, detail: String)
    case unavailable(String)
}

extension ServiceClient {
    func change(_ change: BackendChange, as person: SignedIn) async -> ChangeOutcome {
        let body: (bytes: [UInt8], contentType: String)?
        switch change.body {
        case .none: body = nil
        case .json(let value): body = ((try? KefuJSON.encode(value)) ?? [], "application/json")
        case .raw(let bytes, let contentType): body = (bytes, contentType)
        }
        guard let reply = await exchange(change.method, change.backend, change.path, body: body, timeout: change.timeout,
                                         as: person) else {
            return .unavailable("\(change.backend.rawValue) did not answer")
        }
        let value = reply.json
        if (200..<300).contains(reply.status) { return .done(value) }
        if reply.status >= 500 { return .unavailable("\(change.backend.rawValue) answered \(reply.status)") }
        let errors = value["errors"]?.array.compactMap { error -> (field: String, message: String)? in
            guard let field = error["field"]?.string, let message = error["message"]?.string else { return nil }
            return (field, message)
        } ?? []
        if reply.status == 422 && !errors.isEmpty { return .invalid(errors, detail: Self.detail(of: value)) }
        return .refused(status: reply.status, detail: Self.detail(of: value))
    }
}

/// Puts a service's field errors next to the form's fields: `/first_response_minutes` by the field
/// of that name, `/then/category` by `then`; a bulk import's `/records/3/max_open` becomes
/// "row 4" above the form, since the file is one field.
enum FieldErrors {
    static func place(_ errors: [(field: String, message: String)], fields: Set<String>, language: Language)
        -> (byField: [String: String], problems: [String]) {
        var byField: [String: String] = [:]
        var problems: [String] = []
        for (pointer, message) in errors {
            let parts = pointer.split(separator: "/").map(String.init)
            if let row = rowNumber(parts) {
                let rest = parts.drop { $0 == "records" }.dropFirst().joined(separator: "/")
                problems.append(language.say("Row \(row)", "第 \(row) 行") + (rest.isEmpty ? "" : " · \(rest)") + ": \(message)")
            } else if let name = [parts.joined(separator: "_"), parts.first ?? "", parts.last ?? ""].first(where: { fields.contains($0) }) {
                byField[name] = byField[name].map { $0 + "; " + message } ?? message
            } else {
                problems.append(pointer.isEmpty ? message : "\(pointer): \(message)")
            }
        }
        return (byField, problems)
    }

    /// The 1-based row a bulk import's error names (`/records/N/…` or `/N/…`, N from 0).
    private static func rowNumber(_ parts: [String]) -> Int? {
        let index = parts.first == "records" ? parts.dropFirst().first : parts.first
        return index.flatMap { Int($0) }.map { $0 + 1 }
    }
}
