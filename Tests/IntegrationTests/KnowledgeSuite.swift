import Foundation
import Testing

/// What the knowledge suites share: the service's URLs, making an article, searching, and the
/// suggestions kept for a ticket.
protocol KnowledgeSuite {
    var knowledge: URL { get }
}

extension KnowledgeSuite {
    func url(_ path: String, _ query: [String: String] = [:]) -> URL {
        knowledge.appending(path: path).appending(queryItems: query.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) })
    }

    /// A public article filed nowhere; its id.
    func article(zh: (String, String)? = nil, en: (String, String)? = nil, visibility: String = "public", products: [String] = [],
                 tags: [String] = [], key: String? = nil) async throws -> String {
        var translations: [String: Any] = [:]
        if let zh { translations["zh-CN"] = ["title": zh.0, "body": zh.1] }
        if let en { translations["en"] = ["title": en.0, "body": en.1] }
        var body: [String: Any] = ["visibility": visibility, "translations": translations, "products": products, "tags": tags]
        if let key { body["key"] = key }
        let reply = try await HTTP.send("POST", url("v1/articles"), json: body)
        #expect(reply.status == 201, "\(String(decoding: reply.body, as: UTF8.self))")
        return try #require(try reply.json()["id"] as? String)
    }

    func search(_ query: String, _ extra: [String: String] = [:], token: String? = Stack.adminToken) async throws -> [[String: Any]] {
        let reply = try await HTTP.get(url("v1/search", extra.merging(["q": query]) { $1 }), token: token)
        #expect(reply.status == 200)
        return try reply.jsonArray()
    }

    /// The articles knowledge kept for a ticket, once it has handled the ticket.
    func suggestions(_ number: String) async throws -> [[String: Any]]? {
        try await eventually { () -> [[String: Any]]? in
            let reply = try await HTTP.get(url("v1/tickets/\(number)/suggestions"))
            return reply.status == 200 ? try reply.json()["articles"] as? [[String: Any]] : nil
        }
    }
}
