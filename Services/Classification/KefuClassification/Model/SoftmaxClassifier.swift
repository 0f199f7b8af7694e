import Foundation

/// A multinomial logistic regression over sparse vectors, trained with stochastic gradient
/// descent and L2 regularisation. Its scores are log-probabilities, which temperature scaling
/// then calibrates.
public struct SoftmaxClassifier: Sendable, Codable {
    public let classes: [String]
    let dimension: Int
    /// Row-major by feature: a sparse vector's update touches contiguous class weights.
    private(set) var weights: [Float]
    private(set) var bias: [Float]

    public struct Options: Sendable {
        public var epochs = 12
        public var learningRate: Float = 0.5
        public var l2: Float = 1e-6
        public var seed: UInt64 = 1
        public init() {}
    }

    public init(classes: [String], dimension: Int) {
        self.classes = classes
        self.dimension = dimension
        weights = [Float](repeating: 0, count: classes.count * dimension)
        bias = [Float](repeating: 0, count: classes.count)
    }

    /// A classifier as stored.
    init(classes: [String], dimension: Int, weights: [Float], bias: [Float]) {
        self.classes = classes
        self.dimension = dimension
        self.weights = weights
        self.bias = bias
    }

    /// Trains on `(vector, class index)` pairs; the order is shuffled each epoch.
    public mutating func train(_ examples: [(TextFeaturizer.Vector, Int)], options: Options = .init()) {
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

    /// Raw scores (logits) of every class for `vector`.
    public func scores(_ vector: TextFeaturizer.Vector) -> [Float] {
        var result = [Float](repeating: 0, count: classes.count)
        scores(vector, scale: 1, into: &result)
        return result
    }

    private func scores(_ vector: TextFeaturizer.Vector, scale: Float, into result: inout [Float]) {
        let classCount = classes.count
        for label in 0..<classCount { result[label] = 0 }
        weights.withUnsafeBufferPointer { weights in
            for (index, value) in vector {
                let row = Int(index) * classCount
                let scaled = value * scale
                for label in 0..<classCount { result[label] += weights[row + label] * scaled }
            }
        }
        for label in 0..<classCount { result[label] += bias[label] }
    }
}

/// Probabilities from scores, in place, stable for large scores.
func softmax(_ values: inout [Float], temperature: Float = 1) {
    let maximum = values.max() ?? 0
    var sum: Float = 0
    for index in values.indices {
        values[index] = exp((values[index] - maximum) / temperature)
        sum += values[index]
    }
    for index in values.indices { values[index] /= sum }
}

/// A small deterministic generator, so that training is repeatable.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
