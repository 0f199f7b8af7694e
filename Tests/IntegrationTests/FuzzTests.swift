import Crypto
import Foundation
import KefuContracts
import KefuStorage
import Testing

/// A small deterministic generator, so a failing run can be repeated with its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One fuzz input: the bytes, how they are labelled, and where they go.
struct FuzzInput {
    var body: [UInt8]
    var contentType: String
    var routingKey: String
}

/// Valid submissions, and many ways of breaking them.
struct SubmissionMutator {
    var random: SplitMix64
    let run = UUID().uuidString.prefix(8).lowercased()
    var counter = 0

    mutating func valid() -> [String: Any] {
        counter += 1
        return phoneSubmission("fuzz-\(run)-\(counter)", body: "客户来电 #\(counter)")
    }

    mutating func json(_ object: Any) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8))
    }

    mutating func randomValue(depth: Int = 0) -> Any {
        switch Int.random(in: 0..<8, using: &random) {
        case 0: return Int.random(in: -1_000_000...1_000_000, using: &random)
        case 1: return Bool.random(using: &random)
        case 2: return NSNull()
        case 3: return depth < 3 ? (0..<3).map { _ in randomValue(depth: depth + 1) } : []
        case 4: return depth < 3 ? ["x": randomValue(depth: depth + 1)] : [:]
        case 5: return String(repeating: "长", count: Int.random(in: 0...3000, using: &random))
        case 6: return Double.random(in: -1e9...1e9, using: &random)
        default: return String((0..<Int.random(in: 0...40, using: &random)).map { _ in
            Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random))) })
        }
    }

    mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    mutating func next() -> FuzzInput {
        var submission = valid()
        let jsonType = "application/json"
        switch Int.random(in: 0..<14, using: &random) {
        case 0:
            return FuzzInput(body: json(submission), contentType: jsonType, routingKey: "submit.phone")
        case 1:
            submission.removeValue(forKey: submission.keys.randomElement(using: &random)!)
        case 2:
            submission[submission.keys.randomElement(using: &random)!] = randomValue()
        case 3:
            return FuzzInput(body: randomBytes(Int.random(in: 0...300, using: &random)), contentType: jsonType, routingKey: "submit.phone")
        case 4:
            let bytes = json(submission)
            return FuzzInput(body: Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random))), contentType: jsonType,
                             routingKey: "submit.phone")
        case 5:
            var bytes = json(submission)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            return FuzzInput(body: bytes, contentType: jsonType, routingKey: "submit.phone")
        case 6:
            submission["unexpected_\(Int.random(in: 0...9, using: &random))"] = randomValue()
        case 7:
            submission["body"] = String(repeating: "故障", count: 12_000)
        case 8:
            let depth = Int.random(in: 100...3000, using: &random)
            return FuzzInput(body: Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8),
                             contentType: jsonType, routingKey: "submit.phone")
        case 9:
            var mail = Array("From: fuzz@example.com\r\nSubject: \(run)-\(counter)\r\nMessage-ID: <\(run)-\(counter)@fuzz>\r\n\r\n".utf8)
            mail += randomBytes(Int.random(in: 0...200, using: &random))
            if Bool.random(using: &random) { mail = randomBytes(8) + mail }
            return FuzzInput(body: mail, contentType: "message/rfc822", routingKey: "submit.email")
        case 10:
            return FuzzInput(body: json(submission), contentType: ["text/plain", "application/xml", "image/png"]
                .randomElement(using: &random)!, routingKey: "submit.phone")
        case 11:
            return FuzzInput(body: json(submission), contentType: jsonType, routingKey: "submit.web")
        case 12:
            let value: Any = [[1, 2], "text", 42, NSNull()].randomElement(using: &random)!
            return FuzzInput(body: Array((try? JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed)) ?? Data()),
                             contentType: jsonType, routingKey: "submit.phone")
        default:
            submission["customer"] = ["phone": randomValue(), "email": randomValue(), "tier": randomValue()]
        }
        return FuzzInput(body: json(submission), contentType: jsonType, routingKey: "submit.phone")
    }
}

@Suite("fuzzing intake with random and mutated submissions", .serialized)
struct FuzzTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["KEFU_FUZZ_SEED"] ?? "") ?? 20_261_123
    static let count = Int(ProcessInfo.processInfo.environment["KEFU_FUZZ_COUNT"] ?? "") ?? 10_000

    static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test("10,000 inputs over AMQP and HTTP: intake stays up, and each ends as a ticket or a kept refusal")
    func fuzz() async throws {
        var mutator = SubmissionMutator(random: SplitMix64(state: Self.seed))
        let inputs = (0..<Self.count).map { _ in mutator.next() }
        let overHTTP = inputs.count / 5
        let pid = try Stack.pid(of: "intake")
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let started = try await admin.withConnection { try $0.query("SELECT now() AS t").first!.require("t", as: Date.self) }

        // AMQP: every input gets an answer on the reply queue.
        let gateway = try await Gateway()
        defer { gateway.close() }
        let amqpInputs = Array(inputs[overHTTP...])
        try await gateway.publishRaw(amqpInputs.enumerated().map { index, input in
            (input.body, input.routingKey, input.contentType, "fuzz-\(index)")
        })

        // HTTP, at the same time: never a server error.
        var httpStatuses: [Int: Int] = [:]
        var httpAccepted: [String] = []
        var httpRefused: [[UInt8]] = []
        let tickets = try Stack.url("intake").appending(path: "v1/tickets")
        let inbound = try Stack.url("intake").appending(path: "v1/inbound/email")
        for chunk in stride(from: 0, to: overHTTP, by: 16) {
            let answers = try await withThrowingTaskGroup(of: (Int, String?, [UInt8]).self) { group in
                for input in inputs[chunk..<min(chunk + 16, overHTTP)] {
                    let url = input.contentType == "message/rfc822" ? inbound : tickets
                    group.addTask {
                        let reply = try await HTTP.send("POST", url, body: Data(input.body), contentType: input.contentType)
                        return (reply.status, (try? reply.json())?["number"] as? String, input.body)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for (status, number, body) in answers {
                httpStatuses[status, default: 0] += 1
                if let number, status == 200 || status == 201 { httpAccepted.append(number) }
                if [400, 422].contains(status) { httpRefused.append(body) }
            }
        }
        #expect(Set(httpStatuses.keys).isSubset(of: [200, 201, 400, 413, 415, 422]), "statuses: \(httpStatuses)")

        let replies = try await gateway.replies(count: amqpInputs.count, timeout: .seconds(180))
        #expect(replies.count == amqpInputs.count, "every AMQP input was answered")
        let accepted = replies.values.compactMap { $0.status == .accepted ? $0.ticketNumber : nil } + httpAccepted
        var refused = Set(httpRefused.map(Self.digest))
        for (index, input) in amqpInputs.enumerated() where replies["fuzz-\(index)"]?.status == .rejected {
            refused.insert(Self.digest(input.body))
        }
        #expect(accepted.count > Self.count / 20, "some inputs were valid")
        #expect(refused.count > Self.count / 4, "most were not")

        let (ticketsFound, keptDigests) = try await admin.withConnection { connection in
            let found = try connection.query("SELECT count(DISTINCT number) AS n FROM intake.tickets WHERE number = ANY($1)",
                                             [Array(Set(accepted))]).first!.require("n", as: Int.self)
            let kept = Set(try connection.query("""
                SELECT encode(sha256(raw), 'hex') AS digest FROM intake.rejected_submissions WHERE received_at >= $1
                """, [started]).map { try $0.require("digest", as: String.self) })
            return (found, kept)
        }
        #expect(ticketsFound == Set(accepted).count, "every accepted input has its ticket")
        #expect(refused.subtracting(keptDigests).isEmpty, "every refused input is kept with its bytes")
        #expect(try Stack.pid(of: "intake") == pid && kill(pid, 0) == 0, "intake never restarted")
        #expect(try await HTTP.get(try Stack.url("intake").appending(path: "health/ready"), token: nil).status == 200)
    }
}
