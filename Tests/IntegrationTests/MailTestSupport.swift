import Foundation
import KefuStorage

/// Raw mail for the email channel tests: the fixtures under Tests/Fixtures/mail, and messages
/// composed on the spot for threading.
enum Mail {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/mail")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// A fixture with a fresh Message-ID, so that every run makes its own ticket.
    static func fixture(_ name: String) throws -> (bytes: [UInt8], messageID: String) {
        var bytes = try bytes(name)
        let messageID = "\(UUID().uuidString.lowercased())@tests.kefu.example"
        let marker = Array("Message-ID: <".utf8)
        guard let start = bytes.firstRange(of: marker)?.upperBound,
              let end = bytes[start...].firstIndex(of: UInt8(ascii: ">")) else { return (bytes, messageID) }
        bytes.replaceSubrange(start..<end, with: Array(messageID.utf8))
        return (bytes, messageID)
    }

    /// A plain UTF-8 message from `from`, with a fresh Message-ID and any extra header lines.
    static func compose(from: String, subject: String, body: String, headers: [String] = [])
        -> (bytes: [UInt8], messageID: String) {
        let messageID = "\(UUID().uuidString.lowercased())@tests.kefu.example"
        let subjectWord = "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let lines = ["From: \(from)", "To: service@kefu.example", "Subject: \(subjectWord)", "Message-ID: <\(messageID)>",
                     "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"] + headers + ["", body, ""]
        return (Array(lines.joined(separator: "\r\n").utf8), messageID)
    }

    static func post(_ bytes: [UInt8], contentType: String = "message/rfc822") async throws -> HTTP.Reply {
        try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/inbound/email"), body: Data(bytes),
                            contentType: contentType)
    }

    /// How many refused submissions intake kept with exactly these bytes.
    static func rejectedCopies(of bytes: [UInt8]) async throws -> Int {
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        return try await admin.withConnection { connection in
            try connection.query("SELECT count(*) AS n FROM intake.rejected_submissions WHERE raw = $1", [Data(bytes)])
                .first!.require("n", as: Int.self)
        }
    }
}
