import Foundation

/// A trained text classifier: features, weights and a calibration temperature, with the
/// accuracy it reached on examples it did not train on, and what it takes for out of scope.
/// `TextModel+Training.swift` says how it is made.
public struct TextModel: Sendable {
    public struct Example: Sendable, Hashable {
        public let text: String
        public let label: String
        public init(text: String, label: String) {
            self.text = text
            self.label = label
        }
    }

    /// Examples with this label teach the model what none of the categories looks like. It is
    /// never a category, nor a prediction's label: when it wins, the text is out of scope.
    public static let outOfScopeLabel = "out_of_scope"

    public struct Prediction: Sendable {
        /// The likeliest category.
        public let label: String
        /// Calibrated: among predictions with confidence 0.9, about 90 % are right.
        public let confidence: Float
        /// The best few categories with their probabilities, best first.
        public let ranking: [(label: String, probability: Float)]
        /// How many of the text's n-grams the model knows; none means it has never seen the like.
        public let knownFeatures: Int
        /// The text looks like none of the categories: its energy is below what nearly every
        /// held-out in-scope text reached, or the out-of-scope examples' class won.
        public let outOfScope: Bool
    }

    public struct Evaluation: Sendable, Codable {
        public let examples: Int
        public let accuracy: Double
        /// Expected calibration error over ten confidence bins.
        public let calibrationError: Double

        static let none = Evaluation(examples: 0, accuracy: 0, calibrationError: 0)
    }

    let featurizer: TextFeaturizer
    let classifier: LinearClassifier
    /// Divides the scores before the softmax; fitted on held-out examples.
    let temperature: Float
    /// Texts whose energy falls below this are out of scope; nil when nothing was held out.
    let outOfScopeEnergy: Float?
    /// Measured on the held-out share of the training examples (in-scope ones only).
    public let heldOut: Evaluation

    /// The categories the model knows.
    public var labels: [String] { classifier.classes.filter { $0 != Self.outOfScopeLabel } }

    /// Bytes the model takes in memory: the weights, the IDF, and the vocabulary's strings and
    /// hash table (estimated at two words of table per entry beside the string itself).
    public var residentBytes: Int {
        let vocabularyBytes = featurizer.vocabulary.keys.reduce(0) { $0 + max($1.utf8.count, 16) + 24 }
        return classifier.weightBytes + featurizer.dimension * MemoryLayout<Float>.stride + vocabularyBytes
    }

    public func classify(_ text: String, top: Int = 3) -> Prediction {
        let features = featurizer.vector(text)
        let scores = classifier.scores(features)
        var probabilities = scores
        softmax(&probabilities, temperature: temperature)
        let none = classifier.classes.firstIndex(of: Self.outOfScopeLabel)
        let ranked = zip(classifier.classes, probabilities).enumerated().filter { $0.offset != none }.map(\.element)
            .sorted { $0.1 > $1.1 }.prefix(top).map { (label: $0.0, probability: $0.1) }
        var outOfScope = false
        if let none, probabilities[none] > ranked[0].probability { outOfScope = true }
        if let threshold = outOfScopeEnergy, energyScore(inScope(scores, none: none), temperature: temperature) < threshold {
            outOfScope = true
        }
        return Prediction(label: ranked[0].label, confidence: ranked[0].probability, ranking: ranked,
                          knownFeatures: features.count, outOfScope: outOfScope)
    }

    func inScope(_ scores: [Float], none: Int?) -> [Float] {
        guard let none else { return scores }
        var scores = scores
        scores.remove(at: none)
        return scores
    }

    /// Accuracy and calibration over the examples of known categories.
    public func evaluate(_ examples: [Example]) -> Evaluation {
        let known = examples.filter { $0.label != Self.outOfScopeLabel }
        guard !known.isEmpty else { return .none }
        let outcomes = known.map { example -> (Float, Bool) in
            let prediction = classify(example.text, top: 1)
            return (prediction.confidence, prediction.label == example.label)
        }
        let accuracy = Double(outcomes.filter(\.1).count) / Double(outcomes.count)
        return Evaluation(examples: known.count, accuracy: accuracy, calibrationError: Self.calibrationError(outcomes))
    }

    /// Expected calibration error: the gap between confidence and accuracy, bin by bin, weighted.
    static func calibrationError(_ outcomes: [(Float, Bool)]) -> Double {
        var bins = [(confidence: Double, correct: Double, count: Double)](repeating: (0, 0, 0), count: 10)
        for (confidence, correct) in outcomes {
            let bin = min(9, Int(confidence * 10))
            bins[bin].confidence += Double(confidence)
            bins[bin].correct += correct ? 1 : 0
            bins[bin].count += 1
        }
        let total = Double(outcomes.count)
        return bins.filter { $0.count > 0 }.reduce(0) { $0 + abs($1.confidence - $1.correct) / total }
    }
}
