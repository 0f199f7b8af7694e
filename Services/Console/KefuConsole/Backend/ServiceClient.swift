import AsyncHTTPClient
import Foundation
import KefuContracts
import KefuServiceKit
import NIOCore
import NIOHTTP1

/// The console's way to the five services: every call in the signed-in person's name, with a
/// short-lived token minted for them, so the console can never show or do more than the APIs
/// allow that person. A service that does not answer makes its panel say so; nothing else fails.
struct ServiceClient: Sendable {
    enum Backend: String, Sendable {
        case intake, classification, dispatch, notification, survey, knowledge
    }

    /// What a call came to.
    enum Answer: Sendable {
        case ok(JSONValue)
        /// The service said no: its status and what it said (problem+json `detail`, or the field errors).
        case refused(status: Int, detail: String)
        case unavailable(String)

        var value: JSONValue? {
            if case .ok(let value) = self { value } else { nil }
        }
    }

    private let configuration: ConsoleConfiguration
    private let signer: TokenSigner
    private let tokens: BearerTokens

    init(configuration: ConsoleConfiguration, signer: TokenSigner) {
        self.configuration = configuration
        self.signer = signer
        tokens = BearerTokens(signer: signer)
    }

    /// The process-wide client: it needs no shutdown, so a `ServiceClient` is a plain value that
    /// tests and one-off commands can make and drop. Each call carries its own deadline.
    private var client: HTTPClient { .shared }

    private func base(_ backend: Backend) -> String {
        switch backend {
        case .intake: configuration.intakeURL
        case .classification: configuration.classificationURL
        case .dispatch: configuration.dispatchURL
        case .notification: configuration.notificationURL
        case .survey: configuration.surveyURL
        case .knowledge: configuration.knowledgeURL
        }
    }

    func get(_ backend: Backend, _ path: String, as person: SignedIn) async -> Answer {
        await call(.GET, backend, path, body: nil, token: try? tokens.token(for: person))
    }

    func post(_ backend: Backend, _ path: String, _ body: JSONValue = .object([:]), as person: SignedIn) async -> Answer {
        await call(.POST, backend, path, body: body, token: try? tokens.token(for: person))
    }

    /// A call in the console's own name, as an administrator: only for setting people up
    /// (an agent user's dispatch agent), never to show anything to anyone.
    func administer(_ method: HTTPMethod, _ backend: Backend, _ path: String, _ body: JSONValue?) async -> Answer {
        let token = try? signer.sign(AccessToken(subject: "kefu-console", role: .admin, lifetime: .seconds(60)))
        return await call(method, backend, path, body: body, token: token)
    }

    private func call(_ method: HTTPMethod, _ backend: Backend, _ path: String, body: JSONValue?, token: String?) async -> Answer {
        let bytes = body.flatMap { try? KefuJSON.encode($0) }
        guard let reply = await exchange(method, backend, path, body: bytes.map { ($0, "application/json") }, token: token) else {
            return .unavailable("\(backend.rawValue) did not answer")
        }
        let value = reply.json
        if (200..<300).contains(reply.status) { return .ok(value) }
        if reply.status >= 500 { return .unavailable("\(backend.rawValue) answered \(reply.status)") }
        return .refused(status: reply.status, detail: Self.detail(of: value))
    }

    /// What a service sent back, as bytes.
    struct Reply: Sendable {
        let status: Int
        let contentType: String?
        let bytes: [UInt8]

        var json: JSONValue { (try? KefuJSON.decode(JSONValue.self, from: bytes)) ?? .null }
    }

    /// One request, in `person`'s name when given (else with `token`); nil when the service did not answer in time.
    /// `timeout` overrides the configured one, for what takes long by nature (training a model).
    func exchange(_ method: HTTPMethod, _ backend: Backend, _ path: String, body: (bytes: [UInt8], contentType: String)?,
                  timeout: Double? = nil, as person: SignedIn) async -> Reply? {
        await exchange(method, backend, path, body: body, timeout: timeout, token: try? tokens.token(for: person))
    }

    private func exchange(_ method: HTTPMethod, _ backend: Backend, _ path: String, body: (bytes: [UInt8], contentType: String)?,
                          timeout: Double? = nil, token: String?) async -> Reply? {
        var request = HTTPClientRequest(url: base(backend) + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: body.contentType)
            request.body = .bytes(ByteBuffer(bytes: body.bytes))
        }
        do {
            let response = try await client.execute(request, deadline: .now() + .milliseconds(Int64((timeout ?? configuration.backendTimeout) * 1000)))
            let collected = try await response.body.collect(upTo: 8 << 20)
            return Reply(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                         bytes: Array(buffer: collected))
        } catch {
            return nil
        }
    }

    /// A problem's words: its detail and its field errors, in one line.
    static func detail(of problem: JSONValue) -> String {
        guard case .object(let object) = problem else { return "" }
        var parts: [String] = []
        if case .string(let detail)? = object["detail"] { parts.append(detail) } else if case .string(let title)? = object["title"] {
            parts.append(title)
        }
        if case .array(let errors)? = object["errors"] {
            for error in errors {
                if case .object(let field) = error, case .string(let name)? = field["field"], case .string(let message)? = field["message"] {
                    parts.append("\(name): \(message)")
                }
            }
        }
        return parts.joined(separator: "; ")
    }
}
