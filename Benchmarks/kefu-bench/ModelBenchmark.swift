import Foundation
import KefuClassification

/// The learned text model in process, on the public data sets under `../shared/datasets`:
/// training time, accuracy, calibration, out-of-scope detection and classification latency.
enum ModelBenchmark {
    static func run(datasets: URL) throws {
        try clinc(datasets.appendingPathComponent("clinc150/data_full.json"))
        try cluemotion(datasets.appendingPathComponent("cluemotion"))
    }

    static func clinc(_ file: URL) throws {
        let data = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: [[String]]]
        func examples(_ key: String) -> [TextModel.Example] { data[key]!.map { TextModel.Example(text: $0[0], label: $0[1]) } }
        // The out-of-scope training queries teach the model what none of the intents looks like.
        let outOfScopeTraining = examples("oos_train").map { TextModel.Example(text: $0.text, label: TextModel.outOfScopeLabel) }
        let (model, seconds) = try timed { TextModel.train(examples("train") + outOfScopeTraining) }
        let test = model.evaluate(examples("test"))
        print("CLINC150: trained on \(data["train"]!.count) in \(String(format: "%.1f", seconds)) s; "
              + "held-out accuracy \(percent(model.heldOut.accuracy)), calibration error \(String(format: "%.3f", model.heldOut.calibrationError))")
        print("CLINC150: in-scope test accuracy \(percent(test.accuracy)) (best scikit-learn linear baseline 92.98 %), "
              + "calibration error \(String(format: "%.3f", test.calibrationError)); model \(model.residentBytes / 1_000_000) MB in memory")

        // Out of scope: sent to triage when the model says so, or its confidence is under the threshold.
        let inScope = examples("test").map { model.classify($0.text, top: 1) }
        let outOfScope = examples("oos_test").map { model.classify($0.text, top: 1) }
        for threshold: Float in [0, 0.3, 0.4, 0.5, 0.6] {
            let caught = outOfScope.filter { $0.outOfScope || $0.confidence < threshold }.count
            let wronglySent = inScope.filter { $0.outOfScope || $0.confidence < threshold }.count
            let precision = Double(caught) / Double(max(1, caught + wronglySent))
            let recall = Double(caught) / Double(outOfScope.count)
            print(String(format: "CLINC150: threshold %.1f: out-of-scope to triage precision %@, recall %@, in-scope sent to triage %@",
                         threshold, percent(precision), percent(recall), percent(Double(wronglySent) / Double(inScope.count))))
        }

        var latencies: [Double] = []
        for example in examples("test") {
            let start = clock.now
            _ = model.classify(example.text)
            latencies.append(milliseconds(clock.now - start))
        }
        let percentiles = Percentiles(latencies)
        print(String(format: "CLINC150: classification in process p50 %.3f ms, p95 %.3f ms, p99 %.3f ms",
                     percentiles.value(0.5), percentiles.value(0.95), percentiles.value(0.99)))
    }

    static func cluemotion(_ folder: URL) throws {
        func examples(_ name: String) throws -> [TextModel.Example] {
            try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                return TextModel.Example(text: object["content"] as! String, label: object["label"] as! String)
            }
        }
        let train = try examples("valid.jsonl")
        let (model, seconds) = try timed { TextModel.train(train) }
        let test = model.evaluate(try examples("test.jsonl"))
        print("CLUEmotion: trained on \(train.count) in \(String(format: "%.1f", seconds)) s; test accuracy \(percent(test.accuracy)) "
              + "(best scikit-learn linear baseline 53.29 %), calibration error \(String(format: "%.3f", test.calibrationError))")
    }

    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = clock.now
        let value = try body()
        return (value, seconds(clock.now - start))
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }
}
