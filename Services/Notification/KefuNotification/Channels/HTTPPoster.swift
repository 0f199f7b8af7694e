import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// POSTs for the HTTP channels, each channel with its own client and connection pool.
/// Redirects are never followed: a 3xx is an answer like any other.
final class HTTPPoster: Sendable {
    struct Answer: Sendable {
        let status: Int
        let body: String
    }

    private let client: HTTPClient
    private let timeout: Double

    init(timeout: Double) {
        self.timeout = timeout
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(min(timeout, 5) * 1000)), read: .milliseconds(Int64(timeout * 1000))))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func post(_ url: String, headers: [(String, String)], body: [UInt8]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch let error as HTTPClientError {
            throw DeliveryFailure(reason: Self.describe(error))
        } catch {
            throw DeliveryFailure(reason: "could not connect: \(error)")
        }
        let collected = try? await response.body.collect(upTo: 64 * 1024)
        let text = collected.map { String(buffer: $0) } ?? ""
        return Answer(status: Int(response.status.code), body: text)
    }

    /// Whether to try again after an answer that was not 2xx: a client error other than a
    /// timeout or a rate limit will not go away by itself.
    static func isPermanent(status: Int) -> Bool {
        (300..<500).contains(status) && status != 408 && status != 429
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .connectTimeout: "could not connect: timed out"
        case .readTimeout, .deadlineExceeded: "timed out waiting for the answer"
        case .remoteConnectionClosed: "the server closed the connection"
        default: "\(error)"
        }
    }
}
