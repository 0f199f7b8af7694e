/// Multinomial logistic regression, trained with stochastic gradient descent and L2
/// regularisation. Its scores are log-probabilities, which temperature scaling then calibrates.
extension LinearClassifier {
    public struct SoftmaxOptions: Sendable {
        public var epochs = 15
        public var learningRate: Float = 0.5
        public var l2: Float = 1e-7
        public var seed: UInt64 = 1
        public init() {}
    }

    /// Trains on `(vector, class index)` pairs; the order is shuffled each epoch.
    mutating func trainSoftmax(_ examples: [(TextFeaturizer.Vector, Int)], options: SoftmaxOptions) {
        let classCount = classes.count
        var order = Array(examples.indices)
        var random = SplitMix(state: options.seed)
        var scale: Float = 1  // weights are stored divided by `scale`, so L2 decay costs nothing per step
        var step = 0
        var probabilities = [Float](repeating: 0, count: classCount)
        for _ in 0..<options.epochs {
            order.shuffle(using: &random)
            for position in order {
                let (vector, label) = examples[position]
                step += 1
                let rate = options.learningRate / (1 + options.learningRate * options.l2 * Float(step))
                scale *= 1 - rate * options.l2
                if scale < 1e-6 { rescale(&scale) }
                scores(vector, scale: scale, into: &probabilities)
                softmax(&probabilities)
                probabilities[label] -= 1  // the gradient of cross-entropy with respect to the scores
                weights.withUnsafeMutableBufferPointer { weights in
                    for (index, value) in vector {
                        let row = Int(index) * classCount
                        let factor = rate * value / scale
                        for label in 0..<classCount { weights[row + label] -= factor * probabilities[label] }
                    }
                }
                for label in 0..<classCount { bias[label] -= rate * probabilities[label] }
            }
        }
        rescale(&scale)
    }

    private mutating func rescale(_ scale: inout Float) {
        let factor = scale
        weights.withUnsafeMutableBufferPointer { weights in
            for index in weights.indices { weights[index] *= factor }
        }
        scale = 1
    }
}
