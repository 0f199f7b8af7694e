import Foundation

/// Turns text into a sparse TF-IDF vector over character n-grams (which need no word
/// segmentation, so they serve Chinese as well as English) and word n-grams, as its
/// `FeatureRecipe` says.
///
/// The vocabulary and document frequencies come from the training texts; n-grams never seen in
/// training are dropped at classification time.
public struct TextFeaturizer: Sendable {
    /// One feature: its index in the vocabulary and its weight.
    public typealias Vector = [(index: Int32, value: Float)]

    public let recipe: FeatureRecipe
    private(set) var vocabulary: [String: Int32] = [:]
    private(set) var inverseDocumentFrequency: [Float] = []
    /// The indices of the character grams: the vocabulary is sorted, so they lie together.
    private(set) var characterFeatures: Range<Int32> = 0..<0

    public var dimension: Int { inverseDocumentFrequency.count }

    /// Builds the vocabulary from `texts`, keeping the n-grams seen often enough.
    public init(fitting texts: [String], recipe: FeatureRecipe = .compact) {
        self.recipe = recipe
        var documentFrequency: [String: Int] = [:]
        for text in texts {
            for gram in Set(Self.grams(of: text, recipe: recipe)) { documentFrequency[gram, default: 0] += 1 }
        }
        let kept = documentFrequency.filter { $0.value >= recipe.minimumCount }.sorted { $0.key < $1.key }
        let documents = Float(texts.count)
        vocabulary.reserveCapacity(kept.count)
        inverseDocumentFrequency.reserveCapacity(kept.count)
        for (index, (gram, count)) in kept.enumerated() {
            vocabulary[gram] = Int32(index)
            // Smoothed, as if one extra document held every n-gram.
            inverseDocumentFrequency.append(log((1 + documents) / (1 + Float(count))) + 1)
        }
        characterFeatures = Self.characterFeatures(in: kept.map(\.key))
    }

    /// A featurizer as stored: the n-grams in index order and their IDF.
    init(vocabulary: [String], inverseDocumentFrequency: [Float], recipe: FeatureRecipe) {
        self.recipe = recipe
        self.vocabulary = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int32($0)) })
        self.inverseDocumentFrequency = inverseDocumentFrequency
        characterFeatures = Self.characterFeatures(in: vocabulary)
    }

    private static func characterFeatures(in sortedGrams: [String]) -> Range<Int32> {
        let first = sortedGrams.partitioningIndex { $0 >= characterPrefix }
        let end = first + sortedGrams[first...].prefix { $0.hasPrefix(characterPrefix) }.count
        return Int32(first)..<Int32(end)
    }

    /// The n-grams in index order, for storing.
    var grams: [String] {
        var grams = [String](repeating: "", count: dimension)
        for (gram, index) in vocabulary { grams[Int(index)] = gram }
        return grams
    }

    /// Sublinear term frequency times IDF, scaled to unit length (per block, if the recipe says so).
    public func vector(_ text: String) -> Vector {
        var counts: [Int32: Float] = [:]
        for gram in Self.grams(of: text, recipe: recipe) {
            if let index = vocabulary[gram] { counts[index, default: 0] += 1 }
        }
        // In index order before summing, so that the same text always gives the same floats,
        // whatever order the dictionary happens to hold its keys in.
        var vector: Vector = counts.map { ($0.key, (1 + log($0.value)) * inverseDocumentFrequency[Int($0.key)]) }
            .sorted { $0.index < $1.index }
        var squares: (characters: Float, words: Float) = (0, 0)
        for (index, value) in vector {
            if isCharacterBlock(index) { squares.characters += value * value } else { squares.words += value * value }
        }
        let norms = (characters: squares.characters.squareRoot(), words: squares.words.squareRoot())
        for position in vector.indices {
            let norm = isCharacterBlock(vector[position].index) ? norms.characters : norms.words
            if norm > 0 { vector[position].value /= norm }
        }
        return vector
    }

    /// Which block a feature is scaled with: all are one block unless the recipe keeps them apart.
    private func isCharacterBlock(_ index: Int32) -> Bool {
        recipe.blocksNormalizedApart && characterFeatures.contains(index)
    }

    private static let characterPrefix = "c"

    /// The n-grams of a text, prefixed by kind so that a word and a character run never collide:
    /// `c` a character gram, `w` a word, `b` a word pair, `t` three words.
    static func grams(of text: String, recipe: FeatureRecipe) -> [String] {
        let normalized = text.lowercased()
        var grams: [String] = []
        // Character n-grams within each run of letters and digits (or of non-spaces), padded at its edges.
        let words = normalized.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        let runs = recipe.charactersWithinSpaces ? normalized.split(whereSeparator: \.isWhitespace).map(String.init) : words
        for word in runs {
            let characters = Array(" " + word + " ")
            for length in 1...recipe.longestCharacterGram where characters.count >= length {
                for start in 0...(characters.count - length) {
                    let gram = String(characters[start..<start + length])
                    if gram != " " { grams.append(characterPrefix + gram) }
                }
            }
        }
        // Word n-grams; a run of CJK characters counts as one word here, and its characters are
        // covered by the character n-grams above.
        let prefixes = ["w", "b", "t"]
        for length in 1...min(recipe.longestWordGram, prefixes.count) where words.count >= length {
            for start in 0...(words.count - length) {
                grams.append(prefixes[length - 1] + words[start..<start + length].joined(separator: " "))
            }
        }
        return grams
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for an array partitioned by it.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
