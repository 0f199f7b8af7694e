import Foundation

/// Turns text into a sparse TF-IDF vector over character 1–4-grams (which need no word
/// segmentation, so they serve Chinese as well as English) and word 1–2-grams.
///
/// The vocabulary and document frequencies come from the training texts; n-grams never seen in
/// training are dropped at classification time.
public struct TextFeaturizer: Sendable, Codable {
    /// One feature: its index in the vocabulary and its weight.
    public typealias Vector = [(index: Int32, value: Float)]

    private(set) var vocabulary: [String: Int32] = [:]
    private(set) var inverseDocumentFrequency: [Float] = []

    public var dimension: Int { inverseDocumentFrequency.count }

    /// Builds the vocabulary from `texts`, keeping n-grams seen in at least `minimumCount` of them.
    public init(fitting texts: [String], minimumCount: Int = 1) {
        var documentFrequency: [String: Int] = [:]
        for text in texts {
            for gram in Set(Self.grams(of: text)) { documentFrequency[gram, default: 0] += 1 }
        }
        let kept = documentFrequency.filter { $0.value >= minimumCount }.sorted { $0.key < $1.key }
        let documents = Float(texts.count)
        vocabulary.reserveCapacity(kept.count)
        inverseDocumentFrequency.reserveCapacity(kept.count)
        for (index, (gram, count)) in kept.enumerated() {
            vocabulary[gram] = Int32(index)
            // Smoothed, as if one extra document held every n-gram.
            inverseDocumentFrequency.append(log((1 + documents) / (1 + Float(count))) + 1)
        }
    }

    /// A featurizer as stored: the n-grams in index order and their IDF.
    init(vocabulary: [String], inverseDocumentFrequency: [Float]) {
        self.vocabulary = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int32($0)) })
        self.inverseDocumentFrequency = inverseDocumentFrequency
    }

    /// Sublinear term frequency times IDF, scaled to unit length.
    public func vector(_ text: String) -> Vector {
        var counts: [Int32: Float] = [:]
        for gram in Self.grams(of: text) {
            if let index = vocabulary[gram] { counts[index, default: 0] += 1 }
        }
        // In index order before summing, so that the same text always gives the same floats,
        // whatever order the dictionary happens to hold its keys in.
        var vector: Vector = counts.map { ($0.key, (1 + log($0.value)) * inverseDocumentFrequency[Int($0.key)]) }
            .sorted { $0.index < $1.index }
        let norm = vector.reduce(0) { $0 + $1.value * $1.value }.squareRoot()
        if norm > 0 { vector = vector.map { ($0.index, $0.value / norm) } }
        return vector
    }

    /// The n-grams of a text, prefixed by kind so that a word and a character run never collide.
    static func grams(of text: String) -> [String] {
        let normalized = text.lowercased()
        var grams: [String] = []
        // Character n-grams within each run of letters and digits, padded at its edges.
        let words = normalized.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        for word in words {
            let characters = Array(" " + word + " ")
            for length in 1...4 where characters.count >= length {
                for start in 0...(characters.count - length) {
                    let gram = String(characters[start..<start + length])
                    if gram != " " { grams.append("c" + gram) }
                }
            }
        }
        // Words and word pairs; a run of CJK characters counts as one word here, and its
        // characters are covered by the character n-grams above.
        for (index, word) in words.enumerated() {
            grams.append("w" + word)
            if index + 1 < words.count { grams.append("b" + word + " " + words[index + 1]) }
        }
        return grams
    }

    enum CodingKeys: String, CodingKey {
        case vocabulary, inverseDocumentFrequency = "idf"
    }
}
