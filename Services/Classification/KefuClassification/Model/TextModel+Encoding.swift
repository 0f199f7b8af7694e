import Foundation

/// A compact binary form for storing a model in the database: a JSON header (labels, vocabulary,
/// IDF, feature recipe, temperature, out-of-scope energy, held-out figures) and the weights as
/// little-endian 32-bit floats. Models stored before the recipe and the energy have neither: they
/// used the compact recipe, and detect out of scope by unknown n-grams and confidence alone.
/// JSON numbers for millions of weights would be ten times the size and slow to parse.
extension TextModel {
    private static let magic = Array("KFM1".utf8)

    private struct Header: Codable {
        let labels: [String]
        let vocabulary: [String]
        let idf: [Float]
        let recipe: FeatureRecipe?
        let temperature: Float
        let outOfScopeEnergy: Float?
        let heldOut: Evaluation
    }

    public struct EncodingError: Error, CustomStringConvertible {
        public let description: String
    }

    public func encoded() throws -> [UInt8] {
        let header = try JSONEncoder().encode(Header(labels: classifier.classes, vocabulary: featurizer.grams,
                                                     idf: featurizer.inverseDocumentFrequency, recipe: featurizer.recipe,
                                                     temperature: temperature, outOfScopeEnergy: outOfScopeEnergy,
                                                     heldOut: heldOut))
        var bytes = Self.magic
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for array in [classifier.weights, classifier.bias] {
            for value in array { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    public init(encoded bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<4]) == Self.magic else { throw EncodingError(description: "not a Kefu model") }
        let headerLength = Int(bytes[4..<8].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
        guard bytes.count >= 8 + headerLength else { throw EncodingError(description: "model header cut short") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[8..<8 + headerLength]))
        } catch {
            throw EncodingError(description: "model header unreadable: \(error)")
        }
        let classes = header.labels.count
        let floats = header.vocabulary.count * classes + classes
        let start = 8 + headerLength
        guard bytes.count == start + 4 * floats else { throw EncodingError(description: "model weights cut short") }
        var values = [Float](repeating: 0, count: floats)
        bytes.withUnsafeBytes { raw in
            for index in 0..<floats {
                values[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * index, as: UInt32.self)))
            }
        }
        let featurizer = TextFeaturizer(vocabulary: header.vocabulary, inverseDocumentFrequency: header.idf,
                                        recipe: header.recipe ?? .compact)
        let classifier = LinearClassifier(classes: header.labels, dimension: header.vocabulary.count,
                                           weights: Array(values[0..<floats - classes]), bias: Array(values[(floats - classes)...]))
        self.init(featurizer: featurizer, classifier: classifier, temperature: header.temperature,
                  outOfScopeEnergy: header.outOfScopeEnergy, heldOut: header.heldOut)
    }
}
