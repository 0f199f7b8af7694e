import Foundation

/// One linear score per class over sparse vectors: what a trained model keeps. Two trainers fill
/// it, multinomial logistic regression (`LinearClassifier+Softmax.swift`) and one-vs-rest
/// squared-hinge SVMs (`LinearClassifier+SquaredHinge.swift`); `blended` averages their scores.
public struct LinearClassifier: Sendable {
    public let classes: [String]
    let dimension: Int
    /// Row-major by feature: a sparse vector's update touches contiguous class weights.
    var weights: [Float]
    var bias: [Float]

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

    /// Raw scores (logits) of every class for `vector`.
    public func scores(_ vector: TextFeaturizer.Vector) -> [Float] {
        var result = [Float](repeating: 0, count: classes.count)
        scores(vector, scale: 1, into: &result)
        return result
    }

    func scores(_ vector: TextFeaturizer.Vector, scale: Float, into result: inout [Float]) {
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

    /// The mean of several classifiers' scores, each divided by its own temperature first: one
    /// linear classifier again, so a blend costs no more to keep or to run than its parts.
    static func blended(_ parts: [(classifier: LinearClassifier, temperature: Float)]) -> LinearClassifier {
        var blend = LinearClassifier(classes: parts[0].classifier.classes, dimension: parts[0].classifier.dimension)
        for (part, temperature) in parts {
            let factor = 1 / (temperature * Float(parts.count))
            blend.weights.withUnsafeMutableBufferPointer { weights in
                part.weights.withUnsafeBufferPointer { source in
                    for index in weights.indices { weights[index] += source[index] * factor }
                }
            }
            for label in blend.bias.indices { blend.bias[label] += part.bias[label] * factor }
        }
        return blend
    }

    /// Bytes the weights take in memory.
    var weightBytes: Int { (weights.count + bias.count) * MemoryLayout<Float>.stride }
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

/// `temperature · log Σ exp(score / temperature)`: high where the classifier has seen the like,
/// low for text unlike every class (energy-based out-of-distribution scoring; docs/benchmarks.md).
func energyScore(_ scores: [Float], temperature: Float) -> Float {
    let maximum = scores.max() ?? 0
    var sum: Float = 0
    for score in scores { sum += exp((score - maximum) / temperature) }
    return maximum + temperature * log(sum)
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
