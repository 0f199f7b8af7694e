import Foundation
import KefuClassification
import Testing

/// The public data sets live beside the project, not in it; without them these tests skip.
enum Datasets {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets")
    static var clinc: URL { folder.appendingPathComponent("clinc150/data_full.json") }
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: clinc.path) }
}

@Suite("The learned text model")
struct TextModelTests {
    @Test("a fixed small split of CLINC150 stays above its accuracy floor",
          .enabled(if: Datasets.isAvailable, "../shared/datasets is not here"))
    func clincFloor() throws {
        let data = try JSONSerialization.jsonObject(with: Data(contentsOf: Datasets.clinc)) as! [String: [[String]]]
        // The first 20 intents by name, 40 training queries each: small enough for a debug build.
        let intents = Set(Set(data["train"]!.map { $0[1] }).sorted().prefix(20))
        var perIntent: [String: Int] = [:]
        let train = data["train"]!.filter { intents.contains($0[1]) }.filter { item in
            perIntent[item[1], default: 0] += 1
            return perIntent[item[1]]! <= 40
        }.map { TextModel.Example(text: $0[0], label: $0[1]) }
        let test = data["test"]!.filter { intents.contains($0[1]) }.map { TextModel.Example(text: $0[0], label: $0[1]) }

        let model = TextModel.train(train)
        let evaluation = model.evaluate(test)
        // 95.7 % when written (600 test queries); the floor leaves room for noise, not for a regression.
        #expect(evaluation.accuracy >= 0.92, "accuracy \(evaluation.accuracy)")
        #expect(evaluation.calibrationError < 0.1)
    }

    @Test("training is repeatable, and the prediction explains itself with a ranking")
    func repeatable() {
        let examples = [("打印机无法开机", "fault"), ("机器不能启动了", "fault"), ("设备坏了无法使用", "fault"),
                        ("发票开错了", "billing"), ("账单金额不对", "billing"), ("多收了费用", "billing"),
                        ("printer will not start", "fault"), ("wrong amount on my invoice", "billing")]
            .map { TextModel.Example(text: $0.0, label: $0.1) }
        let first = TextModel.train(examples, heldOutShare: 0)
        let second = TextModel.train(examples, heldOutShare: 0)
        let prediction = first.classify("机器坏了不能开机")
        #expect(prediction.label == "fault")
        #expect(prediction.label == second.classify("机器坏了不能开机").label)
        #expect(prediction.confidence == second.classify("机器坏了不能开机").confidence)
        #expect(prediction.ranking.map(\.label).sorted() == ["billing", "fault"])
        #expect(first.classify("invoice amount is wrong").label == "billing")
    }

    @Test("garbage, empty and 64 KiB texts are classified without failing")
    func oddTexts() {
        let model = TextModel.train([("a b c", "x"), ("d e f", "y")].map { TextModel.Example(text: $0.0, label: $0.1) },
                                    heldOutShare: 0)
        for text in ["", "\u{0}\u{1}\u{FFFD}", String(repeating: "故障", count: 32 * 1024), "🙂🙂🙂"] {
            let prediction = model.classify(text)
            #expect(prediction.confidence > 0 && prediction.confidence <= 1)
        }
    }
}

@Suite("Stored models")
struct TextModelEncodingTests {
    @Test("a model read back from its encoding predicts exactly as before")
    func roundTrip() throws {
        let examples = [("打印机无法开机", "fault"), ("机器不能启动了", "fault"), ("发票开错了", "billing"), ("账单金额不对", "billing"),
                        ("printer will not start", "fault"), ("wrong amount on my invoice", "billing")]
            .map { TextModel.Example(text: $0.0, label: $0.1) }
        let model = TextModel.train(examples, heldOutShare: 0)
        let restored = try TextModel(encoded: try model.encoded())
        for text in ["机器坏了不能开机", "invoice amount is wrong", "", "完全无关的话"] {
            let before = model.classify(text)
            let after = restored.classify(text)
            #expect(before.label == after.label)
            #expect(before.confidence == after.confidence)
        }
        #expect(throws: (any Error).self) { try TextModel(encoded: Array("KFM1 broken".utf8)) }
    }
}
