import Dispatch

/// One-vs-rest linear SVMs with the squared hinge loss, each solved in its dual by coordinate
/// descent (Hsieh et al. 2008, as LIBLINEAR does; docs/benchmarks.md). The bias is a constant
/// feature of 1, so it is regularised too.
extension LinearClassifier {
    public struct SquaredHingeOptions: Sendable {
        /// The cost of a margin violation: larger fits the training texts more closely.
        public var cost: Float = 1
        public var epochs = 10
        public var seed: UInt64 = 1
        public init() {}
    }

    /// Trains on `(vector, class index)` pairs, one binary problem per class, both cores at once.
    mutating func trainSquaredHinge(_ examples: [(TextFeaturizer.Vector, Int)], options: SquaredHingeOptions) {
        let classCount = classes.count
        let dimension = dimension
        // The diagonal of the dual's matrix: ‖x‖² plus the bias feature, plus the loss's 1/(2C).
        let diagonal = 1 / (2 * options.cost)
        let squaredNorms = examples.map { example in example.0.reduce(Float(1)) { $0 + $1.value * $1.value } + diagonal }
        var random = SplitMix(state: options.seed)
        let orders = (0..<options.epochs).map { _ in Array(examples.indices).shuffled(using: &random) }

        var trainedBias = [Float](repeating: 0, count: classCount)
        weights.withUnsafeMutableBufferPointer { matrix in
            trainedBias.withUnsafeMutableBufferPointer { biases in
                // Each class writes only its own column and bias, so the classes run in parallel.
                nonisolated(unsafe) let matrix = matrix
                nonisolated(unsafe) let biases = biases
                DispatchQueue.concurrentPerform(iterations: classCount) { label in
                    var w = [Float](repeating: 0, count: dimension)
                    var b: Float = 0
                    var alpha = [Float](repeating: 0, count: examples.count)
                    for order in orders {
                        for position in order {
                            let (vector, truth) = examples[position]
                            let sign: Float = truth == label ? 1 : -1
                            var score = b
                            for (index, value) in vector { score += w[Int(index)] * value }
                            let gradient = sign * score - 1 + diagonal * alpha[position]
                            let old = alpha[position]
                            // At zero, only a negative gradient can move alpha (projected gradient).
                            if old == 0 && gradient >= 0 { continue }
                            let new = max(old - gradient / squaredNorms[position], 0)
                            guard new != old else { continue }
                            alpha[position] = new
                            let step = (new - old) * sign
                            for (index, value) in vector { w[Int(index)] += step * value }
                            b += step
                        }
                    }
                    for feature in 0..<dimension { matrix[feature * classCount + label] = w[feature] }
                    biases[label] = b
                }
            }
        }
        bias = trainedBias
    }
}
