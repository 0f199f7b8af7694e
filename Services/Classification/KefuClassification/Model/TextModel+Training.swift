import Foundation

/// How a model is made (docs/benchmarks.md, "The learned text model"): a stratified tenth of the
/// examples is held back; on it, training picks the feature recipe and the SVMs' cost, fits a
/// temperature for each of the two classifiers and one for their blend, and sets the energy below
/// which a text is out of scope. Then both classifiers are trained again on every example.
extension TextModel {
    public struct TrainingOptions: Sendable {
        public var heldOutShare = 0.1
        /// Fewer held-out examples than this choose nothing: a temperature fitted on a handful of
        /// texts that all came out right would make every prediction certain.
        public var heldOutToChoose = 50
        public var recipes = FeatureRecipe.candidates
        /// The SVMs' costs to try; the first is tried with every recipe, the rest with the best one.
        public var costs: [Float] = [1, 0.3, 3, 10]
        /// The share of held-out in-scope texts allowed to fall below the out-of-scope energy.
        public var inScopeBelowEnergy = 0.02
        public var softmax = LinearClassifier.SoftmaxOptions()
        public var squaredHinge = LinearClassifier.SquaredHingeOptions()
        public var seed: UInt64 = 1
        public init() {}
    }

    /// What the held-out split chose.
    struct Choice {
        var recipe: FeatureRecipe
        var cost: Float
        var temperatures: (softmax: Float, squaredHinge: Float, blend: Float)
        var accuracy: Double
    }

    /// A recipe's features, fitted on some examples, with those examples' vectors.
    private struct Featurized {
        let featurizer: TextFeaturizer
        let labels: [String]
        let vectors: [(TextFeaturizer.Vector, Int)]

        init(_ examples: [Example], recipe: FeatureRecipe) {
            featurizer = TextFeaturizer(fitting: examples.map(\.text), recipe: recipe)
            labels = Array(Set(examples.map(\.label))).sorted()
            let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            vectors = examples.map { [featurizer] in (featurizer.vector($0.text), index[$0.label]!) }
        }

        func softmax(_ options: LinearClassifier.SoftmaxOptions) -> LinearClassifier {
            var classifier = LinearClassifier(classes: labels, dimension: featurizer.dimension)
            classifier.trainSoftmax(vectors, options: options)
            return classifier
        }

        func squaredHinge(_ options: LinearClassifier.SquaredHingeOptions, cost: Float) -> LinearClassifier {
            var options = options
            options.cost = cost
            var classifier = LinearClassifier(classes: labels, dimension: featurizer.dimension)
            classifier.trainSquaredHinge(vectors, options: options)
            return classifier
        }
    }

    public static func train(_ examples: [Example], heldOutShare: Double = 0.1) -> TextModel {
        var options = TrainingOptions()
        options.heldOutShare = heldOutShare
        return train(examples, options: options)
    }

    public static func train(_ examples: [Example], options: TrainingOptions) -> TextModel {
        let (fitting, holdout) = split(examples, share: options.heldOutShare, seed: options.seed)
        guard holdout.count >= options.heldOutToChoose else {
            // Too few held back to choose or calibrate on: the compact recipe, which keeps every
            // n-gram, and the temperatures typical of the benchmark sets; measured if it can be.
            let choice = Choice(recipe: .compact, cost: 1, temperatures: (1, 0.3, 1), accuracy: .nan)
            let heldOut = holdout.isEmpty ? .none
                : fit(fitting, choice: choice, options: options, outOfScopeEnergy: nil, heldOut: .none).evaluate(holdout)
            return fit(examples, choice: choice, options: options, outOfScopeEnergy: nil, heldOut: heldOut)
        }
        var best: (choice: Choice, model: TextModel)?
        var bestFeatures: Featurized?
        var softmaxOfBest: LinearClassifier?
        for recipe in options.recipes {
            let features = Featurized(fitting, recipe: recipe)
            let softmax = features.softmax(options.softmax)
            let candidate = blend(features, softmax, features.squaredHinge(options.squaredHinge, cost: options.costs[0]),
                                  recipe: recipe, cost: options.costs[0], holdout: holdout)
            if best == nil || candidate.choice.accuracy > best!.choice.accuracy {
                (best, bestFeatures, softmaxOfBest) = (candidate, features, softmax)
            }
        }
        for cost in options.costs.dropFirst() {
            let candidate = blend(bestFeatures!, softmaxOfBest!, bestFeatures!.squaredHinge(options.squaredHinge, cost: cost),
                                  recipe: best!.choice.recipe, cost: cost, holdout: holdout)
            if candidate.choice.accuracy > best!.choice.accuracy { best = candidate }
        }
        let (choice, measured) = best!
        // A quantile needs enough texts under it: with fewer than one per share, no threshold.
        let energies = holdout.filter { $0.label != outOfScopeLabel }.map { measured.energy(of: $0.text) }.sorted()
        let threshold = Double(energies.count) * options.inScopeBelowEnergy < 1 ? nil
            : energies[Int(Double(energies.count) * options.inScopeBelowEnergy)]
        return fit(examples, choice: choice, options: options, outOfScopeEnergy: threshold, heldOut: measured.heldOut)
    }

    /// A stratified, seeded split; a label with fewer than five examples keeps them all.
    private static func split(_ examples: [Example], share: Double, seed: UInt64) -> (fitting: [Example], holdout: [Example]) {
        var random = SplitMix(state: seed)
        var byLabel: [String: [Example]] = [:]
        for example in examples { byLabel[example.label, default: []].append(example) }
        var fitting: [Example] = []
        var holdout: [Example] = []
        for label in byLabel.keys.sorted() {
            var group = byLabel[label]!
            group.shuffle(using: &random)
            let held = group.count >= 5 && share > 0 ? max(1, Int(Double(group.count) * share)) : 0
            holdout += group.prefix(held)
            fitting += group.dropFirst(held)
        }
        return (fitting, holdout)
    }

    /// The blend of two classifiers calibrated on `holdout`, measured there.
    private static func blend(_ features: Featurized, _ softmax: LinearClassifier, _ squaredHinge: LinearClassifier,
                              recipe: FeatureRecipe, cost: Float, holdout: [Example]) -> (choice: Choice, model: TextModel) {
        let vectors = holdout.map { features.featurizer.vector($0.text) }
        let truths = holdout.map { features.labels.firstIndex(of: $0.label) }
        let temperatures = (softmax: bestTemperature(softmax, vectors, truths), squaredHinge: bestTemperature(squaredHinge, vectors, truths))
        let blended = LinearClassifier.blended([(softmax, temperatures.softmax), (squaredHinge, temperatures.squaredHinge)])
        let blendTemperature = bestTemperature(blended, vectors, truths)
        let model = TextModel(featurizer: features.featurizer, classifier: blended, temperature: blendTemperature,
                              outOfScopeEnergy: nil, heldOut: .none)
        let heldOut = model.evaluate(holdout)
        let choice = Choice(recipe: recipe, cost: cost, temperatures: (temperatures.softmax, temperatures.squaredHinge, blendTemperature),
                            accuracy: heldOut.accuracy)
        return (choice, TextModel(featurizer: features.featurizer, classifier: blended, temperature: blendTemperature,
                                  outOfScopeEnergy: nil, heldOut: heldOut))
    }

    /// Both classifiers trained on `examples` as `choice` says, blended with its temperatures.
    private static func fit(_ examples: [Example], choice: Choice, options: TrainingOptions, outOfScopeEnergy: Float?,
                            heldOut: Evaluation) -> TextModel {
        let features = Featurized(examples, recipe: choice.recipe)
        let blended = LinearClassifier.blended([
            (features.softmax(options.softmax), choice.temperatures.softmax),
            (features.squaredHinge(options.squaredHinge, cost: choice.cost), choice.temperatures.squaredHinge),
        ])
        return TextModel(featurizer: features.featurizer, classifier: blended, temperature: choice.temperatures.blend,
                         outOfScopeEnergy: outOfScopeEnergy, heldOut: heldOut)
    }

    /// The temperature, on a logarithmic grid from 0.005 to 10, with the lowest negative
    /// log-likelihood of the true classes.
    private static func bestTemperature(_ classifier: LinearClassifier, _ vectors: [TextFeaturizer.Vector], _ truths: [Int?]) -> Float {
        let scored = zip(vectors, truths).compactMap { vector, truth in truth.map { (classifier.scores(vector), $0) } }
        var best: (temperature: Float, loss: Float) = (1, .infinity)
        for step in 0...60 {
            let temperature = Float(0.005 * pow(2000, Double(step) / 60))
            var loss: Float = 0
            for (scores, truth) in scored {
                var probabilities = scores
                softmax(&probabilities, temperature: temperature)
                loss -= log(max(probabilities[truth], 1e-12))
            }
            if loss < best.loss { best = (temperature, loss) }
        }
        return best.temperature
    }

    /// The text's energy over the known categories (see `energyScore(_:temperature:)`).
    func energy(of text: String) -> Float {
        let none = classifier.classes.firstIndex(of: Self.outOfScopeLabel)
        return energyScore(inScope(classifier.scores(featurizer.vector(text)), none: none), temperature: temperature)
    }
}
