import Foundation
import KefuContracts
import KefuMail
import KefuMessaging
import KefuServiceKit

/// The servers outside Kefu that `deploy/kefu` starts for the tests: the SMTP server, whose
/// Maildir the tests read, and the HTTP sink, which records what the SMS gateway and webhook
/// targets received.
enum Outside {
    /// Every message in the Maildir whose raw text contains `marker`.
    static func mails(containing marker: String) throws -> [[UInt8]] {
        let root = try Stack.value("KEFU_MAILDIR")
        var found: [[UInt8]] = []
        for folder in ["new", "cur"] {
            let directory = URL(fileURLWithPath: root).appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
                if String(decoding: bytes, as: UTF8.self).contains(marker) { found.append(bytes) }
            }
        }
        return found
    }

    static func waitForMails(containing marker: String, count: Int = 1, timeout: Duration = .seconds(30)) async throws -> [[UInt8]] {
        try await eventually(timeout: timeout) { () -> [[UInt8]]? in
            let mails = try mails(containing: marker)
            return mails.count >= count ? mails : nil
        } ?? []
    }

    /// The first mail to `address` whose decoded subject satisfies `condition`: dispatch may assign
    /// a test's ticket too, and the customer then gets more than one mail.
    static func waitForMail(to address: String, timeout: Duration = .seconds(30),
                            subject condition: @escaping (String) -> Bool) async throws -> [UInt8]? {
        try await eventually(timeout: timeout) { () -> [UInt8]? in
            try mails(containing: "X-Kefu-Envelope-To: \(address)").first { raw in
                (try? MailMessage(parsing: raw).subject).flatMap { $0 }.map(condition) ?? false
            }
        }
    }

    struct Request {
        let path: String
        let headers: [String: String]
        let body: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    static func sinkURL(_ path: String) throws -> String { try Stack.value("KEFU_SINK_URL") + path }

    /// What the sink received under `prefix`, oldest first.
    static func requests(under prefix: String) async throws -> [Request] {
        var components = URLComponents(string: try sinkURL("/_requests"))!
        components.queryItems = [URLQueryItem(name: "prefix", value: prefix)]
        let reply = try await HTTP.get(components.url!, token: nil)
        return try reply.jsonArray().map { entry in
            Request(path: entry["path"] as? String ?? "", headers: entry["headers"] as? [String: String] ?? [:],
                    body: Array(Data(base64Encoded: entry["body_base64"] as? String ?? "") ?? Data()))
        }
    }

    static func waitForRequests(under prefix: String, count: Int = 1, timeout: Duration = .seconds(30)) async throws -> [Request] {
        try await eventually(timeout: timeout) { () -> [Request]? in
            let requests = try await requests(under: prefix)
            return requests.count >= count ? requests : nil
        } ?? []
    }
}

/// A MIME message split the way a test wants to look at it: top-level headers by name, and each
/// part of a multipart body decoded from base64.
struct SentMail {
    let headers: [(name: String, value: String)]
    let parts: [(contentType: String, text: String)]

    init(_ raw: [UInt8]) {
        let text = String(decoding: raw, as: UTF8.self)
        let (head, body) = Self.split(text)
        headers = Self.headers(head)
        let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        guard let range = contentType.range(of: "boundary=\"") else {
            parts = [(contentType, Self.decode(body))]
            return
        }
        let boundary = String(contentType[range.upperBound...].prefix { $0 != "\"" })
        parts = body.components(separatedBy: "--\(boundary)").dropFirst().compactMap { chunk in
            guard !chunk.hasPrefix("--") else { return nil }
            let (partHead, partBody) = Self.split(String(chunk.drop { $0 == "\r" || $0 == "\n" }))
            let type = Self.headers(partHead).first { $0.name.lowercased() == "content-type" }?.value ?? ""
            return (type, Self.decode(partBody))
        }
    }

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    private static func split(_ text: String) -> (String, String) {
        guard let range = text.range(of: "\r\n\r\n") ?? text.range(of: "\n\n") else { return (text, "") }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    private static func headers(_ head: String) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in head.components(separatedBy: "\n").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }) {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        return fields
    }

    private static func decode(_ body: String) -> String {
        let compact = body.components(separatedBy: .whitespacesAndNewlines).joined()
        return Data(base64Encoded: compact).map { String(decoding: $0, as: UTF8.self) } ?? body
    }
}

/// Ways into Kefu that the tests use like a gateway or another service would.
enum Kefu {
    /// A ticket submitted over HTTP as an integrator; returns its number and customer id.
    static func submit(customer: [String: Any], language: String = "zh-CN", channel: String = "phone",
                       subject: String? = nil, body: String = "泵车臂架无法展开") async throws -> (number: String, customerID: String) {
        var submission: [String: Any] = ["submission_id": unique("notify"), "channel": channel, "language": language,
                                         "body": body, "customer": customer]
        if let subject { submission["subject"] = subject }
        let reply = try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"), json: submission,
                                        token: try Stack.value("KEFU_INTEGRATOR_TOKEN"))
        guard reply.status == 201, let json = try? reply.json(), let number = json["number"] as? String,
              let customerID = (json["customer"] as? [String: Any])?["id"] as? String else {
            throw StackError("submission refused: \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
        }
        return (number, customerID)
    }

    /// Publishes as the admin user, the way the owning service would.
    /// Publishes to `kefu.work` as a service would, or straight to one `queue` so that no other
    /// service hears it.
    static func publishWork<Message: WorkMessage>(_ message: Message, id: String = UUID().uuidString.lowercased(),
                                                  queue: String? = nil) async throws {
        let publisher = AMQPPublisher(configuration: try Stack.amqp("admin"), logger: Stack.logger)
        publisher.start()
        defer { publisher.shutdown() }
        try await publisher.publish([OutgoingMessage(exchange: queue == nil ? KefuExchange.work : "",
                                                     routingKey: queue ?? Message.messageType,
                                                     body: try KefuJSON.encode(message), messageID: id, type: Message.messageType)])
    }

    static func publishEvent(_ event: StatusEvent) async throws {
        let publisher = AMQPPublisher(configuration: try Stack.amqp("admin"), logger: Stack.logger)
        publisher.start()
        defer { publisher.shutdown() }
        try await publisher.publish([OutgoingMessage(exchange: KefuExchange.events, routingKey: event.routingKey,
                                                     body: try KefuJSON.encode(event), contentType: StatusEvent.contentType,
                                                     messageID: event.id, type: event.type)])
    }

    /// The dead letter with `messageID` on `queue`, taken off it; others are put back.
    static func deadLetter(_ messageID: String, on queue: String, timeout: Duration = .seconds(30)) async throws -> Delivery? {
        let deadLetters = AMQPConsumer(configuration: try Stack.amqp("admin"), source: .queue(queue), logger: Stack.logger)
        deadLetters.start()
        defer { deadLetters.close() }
        var found: Delivery?
        let deadline = ContinuousClock.now + timeout
        while found == nil, ContinuousClock.now < deadline {
            guard let batch = await deadLetters.nextBatch(maximum: 100, timeout: .seconds(1)) else { continue }
            found = batch.first { $0.messageID == messageID }
            deadLetters.settle(batch.map { ($0, $0.messageID == messageID ? .ack : .requeue) })
        }
        return found
    }

    static func deliveries(of ticket: String) async throws -> [[String: Any]] {
        try await HTTP.get(try Stack.url("notification").appending(path: "v1/notifications")
            .appending(queryItems: [URLQueryItem(name: "ticket", value: ticket)])).jsonArray()
    }

    /// Waits until a delivery of `ticket` matching `condition` exists.
    static func delivery(of ticket: String, timeout: Duration = .seconds(30),
                         where condition: @escaping ([String: Any]) -> Bool) async throws -> [String: Any]? {
        try await eventually(timeout: timeout) { try await deliveries(of: ticket).first(where: condition) }
    }
}
