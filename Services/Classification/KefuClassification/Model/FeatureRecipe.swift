/// Which n-grams a `TextFeaturizer` counts, and how it scales them. Training tries each of the
/// `candidates` on its held-out split and keeps the better (docs/benchmarks.md, "The learned text
/// model"): the wide one suits English intents, the compact one short Chinese texts.
public struct FeatureRecipe: Sendable, Codable, Hashable {
    /// Character n-grams of 1 up to this length, within each word.
    public var longestCharacterGram: Int
    /// Word n-grams of 1 up to this length.
    public var longestWordGram: Int
    /// An n-gram is kept when at least this many training texts hold it.
    public var minimumCount: Int
    /// Scale the character block and the word block to unit length each, rather than together,
    /// so that a long text's many character grams do not drown its words.
    public var blocksNormalizedApart: Bool
    /// Character n-grams run within what spaces separate, punctuation included ("what's", "5pm?"),
    /// rather than within runs of letters and digits.
    public var charactersWithinSpaces: Bool

    public init(longestCharacterGram: Int, longestWordGram: Int, minimumCount: Int, blocksNormalizedApart: Bool,
                charactersWithinSpaces: Bool = false) {
        self.longestCharacterGram = longestCharacterGram
        self.longestWordGram = longestWordGram
        self.minimumCount = minimumCount
        self.blocksNormalizedApart = blocksNormalizedApart
        self.charactersWithinSpaces = charactersWithinSpaces
    }

    /// Character 1–5-grams and word 1–3-grams seen at least twice, each block of unit length.
    public static let wide = FeatureRecipe(longestCharacterGram: 5, longestWordGram: 3, minimumCount: 2, blocksNormalizedApart: true,
                                       charactersWithinSpaces: true)
    /// Character 1–4-grams and word 1–2-grams, every one seen, of unit length together: the
    /// recipe of the first models, which stored no recipe.
    public static let compact = FeatureRecipe(longestCharacterGram: 4, longestWordGram: 2, minimumCount: 1, blocksNormalizedApart: false)

    public static let candidates = [wide, compact]

    enum CodingKeys: String, CodingKey {
        case longestCharacterGram, longestWordGram, minimumCount, blocksNormalizedApart, charactersWithinSpaces
    }

    // A field added later is absent from models stored before it, which did without it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(longestCharacterGram: container.decode(Int.self, forKey: .longestCharacterGram),
                      longestWordGram: container.decode(Int.self, forKey: .longestWordGram),
                      minimumCount: container.decode(Int.self, forKey: .minimumCount),
                      blocksNormalizedApart: container.decode(Bool.self, forKey: .blocksNormalizedApart),
                      charactersWithinSpaces: container.decodeIfPresent(Bool.self, forKey: .charactersWithinSpaces) ?? false)
    }
}
