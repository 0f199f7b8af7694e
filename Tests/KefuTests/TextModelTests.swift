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

/// A fixed small split of CLINC150: the first 20 intents by name, 40 training queries each, plus
/// 40 of its out-of-scope training queries as `out_of_scope`. Small enough for a debug build.
enum SmallCLINC {
    struct Split: Sendable {
        let train: [TextModel.Example]
        let test: [TextModel.Example]
        let outOfScopeTest: [String]
        let model: TextModel
    }

    static let split: Split? = {
        guard let contents = try? Data(contentsOf: Datasets.clinc),
              let data = try? JSONSerialization.jsonObject(with: contents) as? [String: [[String]]] else { return nil }
        let intents = Set(Set(data["train"]!.map { $0[1] }).sorted().prefix(20))
        var perIntent: [String: Int] = [:]
        let train = data["train"]!.filter { intents.contains($0[1]) }.filter { item in
            perIntent[item[1], default: 0] += 1
            return perIntent[item[1]]! <= 40
        }.map { TextModel.Example(text: $0[0], label: $0[1]) }
            + data["oos_train"]!.prefix(40).map { TextModel.Example(text: $0[0], label: TextModel.outOfScopeLabel) }
        let test = data["test"]!.filter { intents.contains($0[1]) }.map { TextModel.Example(text: $0[0], label: $0[1]) }
        return Split(train: train, test: test, outOfScopeTest: data["oos_test"]!.prefix(200).map { $0[0] },
                     model: TextModel.train(train))
    }()
}

@Suite("The learned text model")
struct TextModelTests {
    @Test("a fixed small split of CLINC150 stays above its accuracy floor",
          .enabled(if: Datasets.isAvailable, "../shared/datasets is not here"))
    func clincFloor() throws {
        let split = try #require(SmallCLINC.split)
        let evaluation = split.model.evaluate(split.test)
        // 95.2 % when written (600 test queries; 95.7 % before the SVM blend and the out-of-scope
        // class, which takes a few borderline queries); the floor leaves room for noise only.
        #expect(evaluation.accuracy >= 0.935, "accuracy \(evaluation.accuracy)")
        #expect(evaluation.calibrationError < 0.06, "calibration error \(evaluation.calibrationError)")
        #expect(!split.model.labels.contains(TextModel.outOfScopeLabel))
    }

    @Test("out-of-scope queries are told apart from the intents the model knows",
          .enabled(if: Datasets.isAvailable, "../shared/datasets is not here"))
    func outOfScope() throws {
        let split = try #require(SmallCLINC.split)
        let caught = split.outOfScopeTest.filter { split.model.classify($0).outOfScope }.count
        let wronglyCaught = split.test.filter { split.model.classify($0.text).outOfScope }.count
        // 178 of 200 and 49 of 600 when written: a held-out split of 4 queries an intent sets the
        // energy threshold coarsely, so the in-scope share is above the full data set's 2.6 %.
        #expect(caught >= 150, "\(caught) of \(split.outOfScopeTest.count) out-of-scope queries caught")
        #expect(wronglyCaught <= 60, "\(wronglyCaught) of \(split.test.count) in-scope queries taken for out of scope")
    }

    @Test("the recipe keeps character and word blocks apart when it says so")
    func featureRecipes() {
        let texts = ["the printer will not start", "the printer jams", "my invoice is wrong", "wrong invoice again"]
        let wide = TextFeaturizer(fitting: texts, recipe: .wide)
        let vector = wide.vector("the printer is wrong")
        let total = vector.reduce(Float(0)) { $0 + $1.value * $1.value }
        // Two blocks of unit length each.
        #expect(abs(total - 2) < 1e-4, "squared length \(total)")
        let compact = TextFeaturizer(fitting: texts, recipe: .compact)
        let joint = compact.vector("the printer is wrong").reduce(Float(0)) { $0 + $1.value * $1.value }
        #expect(abs(joint - 1) < 1e-4)
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
        // A header this build cannot read is an encoding error, which the refresher sets aside.
        let header = Array(#"{"labels":[]}"#.utf8)
        var unreadable = Array("KFM1".utf8)
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { unreadable += $0 }
        #expect(throws: TextModel.EncodingError.self) { try TextModel(encoded: unreadable + header) }
    }

    @Test("a model read back keeps its recipe and out-of-scope energy",
          .enabled(if: Datasets.isAvailable, "../shared/datasets is not here"))
    func roundTripKeepsOutOfScope() throws {
        let split = try #require(SmallCLINC.split)
        let restored = try TextModel(encoded: try split.model.encoded())
        for text in split.outOfScopeTest.prefix(30) + split.test.prefix(30).map(\.text) {
            let before = split.model.classify(text)
            let after = restored.classify(text)
            #expect(before.outOfScope == after.outOfScope && before.label == after.label && before.confidence == after.confidence)
        }
        #expect(restored.residentBytes == split.model.residentBytes)
    }
}
