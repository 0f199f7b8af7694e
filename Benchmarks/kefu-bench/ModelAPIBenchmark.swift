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

        func classify(_ items: [[String]]) async throws -> [(label: String, category: String, confidence: Double, ms: Double)] {
            try await withThrowingTaskGroup(of: (String, String, Double, Double).self) { group in
                var results: [(String, String, Double, Double)] = []
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
                        return (item[1], answer["category"] as? String ?? "", answer["confidence"] as? Double ?? 0,
                                milliseconds(clock.now - sent))
                    }
                }
                for _ in 0..<min(8, items.count) { try add() }
                while let result = try await group.next() {
                    results.append(result)
                    if next < items.count { try add() }
                }
                return results
            }.map { (label: $0.0, category: $0.1, confidence: $0.2, ms: $0.3) }
        }
        let test = try await classify(data["test"]!)
        let outOfScope = try await classify(data["oos_test"]!)
        let accuracy = Double(test.filter { $0.label == $0.category }.count) / Double(test.count)
        print(String(format: "CLINC150 via the API: in-scope test accuracy %.1f %%; HTTP round trip %@", accuracy * 100,
                     Percentiles(test.map(\.ms)).summary))
        let threshold = Double(environment["KEFU_MODEL_THRESHOLD"] ?? "") ?? 0.5
        let caught = outOfScope.filter { $0.confidence < threshold }.count
        let wrongly = test.filter { $0.confidence < threshold }.count
        print(String(format: "CLINC150 via the API: at threshold %.2f, out-of-scope to triage precision %.1f %%, recall %.1f %%",
                     threshold, 100 * Double(caught) / Double(max(1, caught + wrongly)), 100 * Double(caught) / Double(outOfScope.count)))
    }
}
