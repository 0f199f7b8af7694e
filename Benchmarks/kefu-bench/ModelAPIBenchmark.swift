import Foundation
import KefuServiceKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// CLINC150 through classification's own API: examples uploaded to `POST /v1/training-examples`,
/// a model trained with `POST /v1/models`, the test queries sent to `POST /v1/classify`. It adds
/// the examples to the stack's store, so run it on a fresh local stack.
enum ModelAPIBenchmark {
    static func run(datasets: URL) async throws {
        let base = setting("KEFU_CLASSIFICATION_URL")
        let token = try benchToken(.admin)
        let data = try JSONSerialization.jsonObject(with: Data(contentsOf: datasets.appendingPathComponent("clinc150/data_full.json")))
            as! [String: [[String]]]

        func request(_ path: String, body: Data, type: String) -> URLRequest {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = "POST"
            request.httpBody = body
            request.timeoutInterval = 600
            request.setValue(type, forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return request
        }

        let lines = try data["train"]!.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0[0], "label": $0[1]]), as: UTF8.self) }
        _ = try await URLSession.shared.data(for: request("/v1/training-examples", body: Data(lines.joined(separator: "\n").utf8),
                                                          type: "application/x-ndjson"))
        let started = clock.now
        let (trained, _) = try await URLSession.shared.data(for: request("/v1/models", body: Data(), type: "application/json"))
        let version = (try JSONSerialization.jsonObject(with: trained) as? [String: Any])?["version"] as? Int ?? -1
        _ = try await URLSession.shared.data(for: request("/v1/models/\(version)/activate", body: Data(), type: "application/json"))
        print("CLINC150 via the API: trained version \(version) on \(lines.count) examples in \(String(format: "%.1f", seconds(clock.now - started))) s")

        func classify(_ items: [[String]]) async throws -> [(label: String, category: String, toTriage: Bool, ms: Double)] {
            try await withThrowingTaskGroup(of: (String, String, Bool, Double).self) { group in
                var results: [(String, String, Bool, Double)] = []
                var next = 0
                func add() throws {
                    let item = items[next]
                    next += 1
                    let body = try JSONSerialization.data(withJSONObject: ["text": item[0]])
                    let call = request("/v1/classify", body: body, type: "application/json")
                    group.addTask {
                        let sent = clock.now
                        let (data, _) = try await URLSession.shared.data(for: call)
                        let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                        return (item[1], answer["category"] as? String ?? "", answer["to_triage"] as? Bool ?? true,
                                milliseconds(clock.now - sent))
                    }
                }
                for _ in 0..<min(8, items.count) { try add() }
                while let result = try await group.next() {
                    results.append(result)
                    if next < items.count { try add() }
                }
                return results
            }.map { (label: $0.0, category: $0.1, toTriage: $0.2, ms: $0.3) }
        }
        let test = try await classify(data["test"]!)
        let outOfScope = try await classify(data["oos_test"]!)
        let accuracy = Double(test.filter { $0.label == $0.category }.count) / Double(test.count)
        print(String(format: "CLINC150 via the API: in-scope test accuracy %.1f %%; HTTP round trip %@", accuracy * 100,
                     Percentiles(test.map(\.ms)).summary))
        var settingsRequest = URLRequest(url: URL(string: base + "/v1/settings")!)
        settingsRequest.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let settings = try JSONSerialization.jsonObject(with: try await URLSession.shared.data(for: settingsRequest).0) as? [String: Any]
        let threshold = settings?["model_threshold"] as? Double ?? .nan
        // What the model alone sends to triage: below the threshold, or a text unlike any it knows.
        let caught = outOfScope.filter(\.toTriage).count
        let wrongly = test.filter(\.toTriage).count
        print(String(format: "CLINC150 via the API: at threshold %.2f, out-of-scope to triage precision %.1f %%, recall %.1f %%",
                     threshold, 100 * Double(caught) / Double(max(1, caught + wrongly)), 100 * Double(caught) / Double(outOfScope.count)))
    }
}
