import Foundation

/// A trained text classifier: features, weights and a calibration temperature, with the
/// accuracy it reached on examples it did not train on.
public struct TextModel: Sendable, Codable {
    public struct Example: Sendable, Hashable {
        public let text: String
        public let label: String
        public init(text: String, label: String) {
            self.text = text
            self.label = label
        }
    }

    public struct Prediction: Sendable {
        public let label: String
        /// Calibrated: among predictions with confidence 0.9, about 90 % are right.
        public let confidence: Float
        /// The best few labels with their probabilities, best first.
        public let ranking: [(label: String, probability: Float)]
        /// How many of the text's n-grams the model knows; none means it has never seen the like.
        public let knownFeatures: Int
    }

    public struct Evaluation: Sendable, Codable {
        public let examples: Int
        public let accuracy: Double
        /// Expected calibration error over ten confidence bins.
        public let calibrationError: Double
    }

    let featurizer: TextFeaturizer
    let classifier: SoftmaxClassifier
    /// Divides the scores before the softmax; fitted on held-out examples.
    let temperature: Float
    /// Measured on the held-out share of the training examples.
    public let heldOut: Evaluation

    public var labels: [String] { classifier.classes }

    /// Trains on `examples`, holding `heldOutShare` of them back (a stratified, seeded split) to
    /// fit the temperature and to measure accuracy; then trains again on all of them.
    public static func train(_ examples: [Example], heldOutShare: Double = 0.1,
                             options: SoftmaxClassifier.Options = .init()) -> TextModel {
        var random = SplitMix(state: options.seed)
        var byLabel: [String: [Example]] = [:]
        for example in examples { byLabel[example.label, default: []].append(example) }
        var fitting: [Example] = []
        var holdout: [Example] = []
        for label in byLabel.keys.sorted() {
            var group = byLabel[label]!
            group.shuffle(using: &random)
            let held = group.count >= 5 ? max(1, Int(Double(group.count) * heldOutShare)) : 0
            holdout += group.prefix(held)
            fitting += group.dropFirst(held)
        }

        let first = fit(fitting, options: options, temperature: 1)
        let temperature = holdout.isEmpty ? 1 : first.bestTemperature(on: holdout)
        let measured = TextModel(featurizer: first.featurizer, classifier: first.classifier, temperature: temperature,
                                 heldOut: Evaluation(examples: 0, accuracy: 0, calibrationError: 0))
            .evaluate(holdout)
        let final = fit(examples, options: options, temperature: temperature)
        return TextModel(featurizer: final.featurizer, classifier: final.classifier, temperature: temperature,
                         heldOut: measured)
    }

    private static func fit(_ examples: [Example], options: SoftmaxClassifier.Options, temperature: Float) -> TextModel {
        let featurizer = TextFeaturizer(fitting: examples.map(\.text))
        let labels = Array(Set(examples.map(\.label))).sorted()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var classifier = SoftmaxClassifier(classes: labels, dimension: featurizer.dimension)
        classifier.train(examples.map { (featurizer.vector($0.text), index[$0.label]!) }, options: options)
        return TextModel(featurizer: featurizer, classifier: classifier, temperature: temperature,
                         heldOut: Evaluation(examples: 0, accuracy: 0, calibrationError: 0))
    }

    public func classify(_ text: String, top: Int = 3) -> Prediction {
        let features = featurizer.vector(text)
        var probabilities = classifier.scores(features)
        softmax(&probabilities, temperature: temperature)
        let ranked = zip(classifier.classes, probabilities).sorted { $0.1 > $1.1 }.prefix(top)
            .map { (label: $0.0, probability: $0.1) }
        return Prediction(label: ranked[0].label, confidence: ranked[0].probability, ranking: ranked, knownFeatures: features.count)
    }

    public func evaluate(_ examples: [Example]) -> Evaluation {
        guard !examples.isEmpty else { return Evaluation(examples: 0, accuracy: 0, calibrationError: 0) }
        let outcomes = examples.map { example -> (Float, Bool) in
            let prediction = classify(example.text, top: 1)
            return (prediction.confidence, prediction.label == example.label)
        }
        let accuracy = Double(outcomes.filter(\.1).count) / Double(outcomes.count)
        return Evaluation(examples: examples.count, accuracy: accuracy, calibrationError: Self.calibrationError(outcomes))
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

    /// The temperature with the lowest negative log-likelihood on `examples`.
    private func bestTemperature(on examples: [Example]) -> Float {
        let scored = examples.compactMap { example -> ([Float], Int)? in
            guard let label = classifier.classes.firstIndex(of: example.label) else { return nil }
            return (classifier.scores(featurizer.vector(example.text)), label)
        }
        var best: (temperature: Float, loss: Float) = (1, .infinity)
        for step in 1...60 {
            let temperature = Float(step) * 0.05
            var loss: Float = 0
            for (scores, label) in scored {
                var probabilities = scores
                softmax(&probabilities, temperature: temperature)
                loss -= log(max(probabilities[label], 1e-12))
            }
            if loss < best.loss { best = (temperature, loss) }
        }
        return best.temperature
    }
}
