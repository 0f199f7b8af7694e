import Foundation
import KefuServiceKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A public data set through classification's own API: examples uploaded to
/// `POST /v1/training-examples`, a model trained with `POST /v1/models`, the test queries sent to
/// `POST /v1/classify`. It adds the examples to the stack's store, so run each data set on a
/// fresh local stack.
enum ModelAPIBenchmark {
    typealias Example = (text: String, label: String)

    static func run(dataset: String, datasets: URL) async throws {
        switch dataset {
        case "clinc150":
            let data = try JSONSerialization.jsonObject(with: Data(contentsOf: datasets.appendingPathComponent("clinc150/data_full.json")))
                as! [String: [[String]]]
            func examples(_ key: String) -> [Example] { data[key]!.map { (text: $0[0], label: $0[1]) } }
            // CLINC150's out-of-scope training queries teach the model what none of the intents is.
            let outOfScopeTraining = data["oos_train"]!.map { (text: $0[0], label: "out_of_scope") }
            try await evaluate("CLINC150", train: examples("train") + outOfScopeTraining, test: examples("test"),
                               outOfScope: examples("oos_test"), reference: "92.98 %")
            try await swapMemory(small: examples("train").filter { $0.label.hasPrefix("a") })
        case "cluemotion":
            func examples(_ name: String) throws -> [Example] {
                try String(contentsOf: datasets.appendingPathComponent("cluemotion/\(name)"), encoding: .utf8)
                    .split(separator: "\n").map { line in
                        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                        return (text: object["content"] as! String, label: object["label"] as! String)
                    }
            }
            try await evaluate("CLUEmotion", train: try examples("valid.jsonl"), test: try examples("test.jsonl"), outOfScope: [],
                               reference: "53.29 %")
        default:
            FileHandle.standardError.write(Data("kefu-bench model-api: unknown data set \(dataset); use clinc150 or cluemotion\n".utf8))
            exit(2)
        }
    }

    static func evaluate(_ name: String, train: [Example], test: [Example], outOfScope: [Example], reference: String) async throws {
        let api = API(base: setting("KEFU_CLASSIFICATION_URL"), token: try benchToken(.admin))
        let existing = try await api.json("GET", "/v1/models") as? [[String: Any]] ?? []
        guard existing.isEmpty else {
            FileHandle.standardError.write(Data("kefu-bench model-api: the stack already has models; run it on a fresh one\n".utf8))
            exit(2)
        }

        let lines = try train.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0.text, "label": $0.label]), as: UTF8.self) }
        _ = try await api.send("POST", "/v1/training-examples", body: Data(lines.joined(separator: "\n").utf8), type: "application/x-ndjson")
        let started = clock.now
        let trained = try await api.json("POST", "/v1/models") as? [String: Any]
        let version = trained?["version"] as? Int ?? -1
        print("\(name) via the API: trained version \(version) on \(lines.count) examples in \(String(format: "%.1f", seconds(clock.now - started))) s; "
              + String(format: "held-out accuracy %.1f %%, calibration error %.3f", 100 * (trained?["accuracy"] as? Double ?? .nan),
                       trained?["calibration_error"] as? Double ?? .nan))

        let answers = try await classify(test, api: api)
        let accuracy = Double(answers.filter { $0.label == $0.category }.count) / Double(answers.count)
        print(String(format: "\(name) via the API: test accuracy %.1f %%", accuracy * 100)
              + " (best scikit-learn linear baseline \(reference), `deploy/kefu bench baselines`); HTTP round trip \(Percentiles(answers.map(\.ms)).summary)")
        guard !outOfScope.isEmpty else { return }
        let oos = try await classify(outOfScope, api: api)
        let threshold = (try await api.json("GET", "/v1/settings") as? [String: Any])?["model_threshold"] as? Double ?? .nan
        // What the model alone sends to triage: below the threshold, or a text unlike any it knows.
        let caught = oos.filter(\.toTriage).count
        let wrongly = answers.filter(\.toTriage).count
        print(String(format: "\(name) via the API: at threshold %.2f, out-of-scope to triage precision %.1f %%, recall %.1f %%; "
                     + "in-scope sent to triage %.1f %%", threshold, 100 * Double(caught) / Double(max(1, caught + wrongly)),
                     100 * Double(caught) / Double(oos.count), 100 * Double(wrongly) / Double(answers.count)))
    }

    /// The resident memory of classification while the big model and a small one take turns.
    static func swapMemory(small: [Example]) async throws {
        let api = API(base: setting("KEFU_CLASSIFICATION_URL"), token: try benchToken(.admin))
        let lines = try small.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0.text, "label": $0.label]), as: UTF8.self) }
        _ = try await api.send("POST", "/v1/training-examples?set=small", body: Data(lines.joined(separator: "\n").utf8), type: "application/x-ndjson")
        _ = try await api.send("PATCH", "/v1/settings", body: Data(#"{"activate_when_better":false}"#.utf8))
        let trained = try JSONSerialization.jsonObject(with: try await api.send("POST", "/v1/models", body: Data(#"{"sets":["small"]}"#.utf8)))
        let smallVersion = (trained as? [String: Any])?["version"] as? Int ?? -1
        _ = try await api.send("PATCH", "/v1/settings", body: Data(#"{"activate_when_better":true}"#.utf8))
        print("classification resident after training both: \(residentMB()) MB")
        for round in 1...4 {
            for version in [smallVersion, 1] {
                _ = try await api.send("POST", "/v1/models/\(version)/activate")
                try await Task.sleep(for: .seconds(3))  // the refresher loads it within a second or two
                let listed = try await api.json("GET", "/v1/models") as? [[String: Any]] ?? []
                let model = listed.first { $0["active"] as? Bool == true }
                let reported = Double(model?["resident_bytes"] as? Int ?? 0) / 1e6
                print(String(format: "swap %d: version %d (%d labels) active: model %.1f MB (resident_bytes), process %@ MB",
                             round, version, model?["labels"] as? Int ?? 0, reported, residentMB()))
            }
        }
    }

    /// classification's resident set, from /proc, by the pid file deploy/kefu writes.
    static func residentMB() -> String {
        let pidFile = setting("KEFU_STATE_DIR") + "/pids/classification.pid"
        guard let pid = try? String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return "?" }
        return String(format: "%.1f", kilobytes / 1024)
    }

    typealias Answer = (label: String, category: String, toTriage: Bool, ms: Double)

    /// Every item through `POST /v1/classify`, eight in flight.
    static func classify(_ items: [Example], api: API) async throws -> [Answer] {
        try await withThrowingTaskGroup(of: Answer.self) { group in
            var results: [Answer] = []
            var next = 0
            func add() throws {
                let item = items[next]
                next += 1
                let body = try JSONSerialization.data(withJSONObject: ["text": item.text])
                group.addTask {
                    let sent = clock.now
                    let answer = try JSONSerialization.jsonObject(with: try await api.send("POST", "/v1/classify", body: body)) as? [String: Any] ?? [:]
                    return (item.label, answer["category"] as? String ?? "", answer["to_triage"] as? Bool ?? true,
                            milliseconds(clock.now - sent))
                }
            }
            for _ in 0..<min(8, items.count) { try add() }
            while let result = try await group.next() {
                results.append(result)
                if next < items.count { try add() }
            }
            return results
        }
    }

    struct API: Sendable {
        let base: String
        let token: String

        func send(_ method: String, _ path: String, body: Data? = nil, type: String = "application/json") async throws -> Data {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = method
            request.httpBody = body
            request.timeoutInterval = 600
            request.setValue(type, forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return try await URLSession.shared.data(for: request).0
        }

        func json(_ method: String, _ path: String) async throws -> Any {
            try JSONSerialization.jsonObject(with: try await send(method, path))
        }
    }
}
