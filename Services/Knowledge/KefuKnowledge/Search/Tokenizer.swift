import Foundation

/// Splits text into search terms, the same way for articles and for queries (docs/knowledge.md,
/// "Search"):
/// - Chinese, Japanese and Korean text becomes overlapping character bigrams, as Lucene's CJK
///   analyser does, since there are no spaces to split words on and Debian ships no Chinese
///   word segmenter. Articles also index each character alone, under a prefix, so that a
///   one-character query still finds them without single characters swamping longer queries.
/// - Latin text becomes lower-cased words with light English stemming. Function words are kept:
///   idf already weighs them down, and "how do I" or "what can you" tell intents apart
///   (dropping them cost two points of recall on CLINC150, docs/benchmarks.md).
/// - Full-width forms are folded to their ASCII equivalents first (NFKC), so `ＷＩＦＩ` is `wifi`.
enum Tokenizer {
    /// The prefix of single-character CJK terms, which only one-character query runs use.
    static let unigramPrefix = "1"

    enum Purpose { case indexing, query }

    static func terms(_ text: String, for purpose: Purpose) -> [String] {
        var terms: [String] = []
        var word = ""
        var run: [Character] = []

        func flushWord() {
            guard !word.isEmpty else { return }
            terms.append(stem(word))
            word = ""
        }
        func flushRun() {
            guard !run.isEmpty else { return }
            if run.count == 1 {
                terms.append(unigramPrefix + String(run[0]))
            } else {
                for index in 0..<(run.count - 1) { terms.append(String(run[index]) + String(run[index + 1])) }
                if purpose == .indexing { terms += run.map { unigramPrefix + String($0) } }
            }
            run = []
        }

        for character in text.precomposedStringWithCompatibilityMapping.lowercased() {
            if isCJK(character) {
                flushWord()
                run.append(character)
            } else if character.isLetter || character.isNumber {
                flushRun()
                word.append(character)
            } else if character == "'" || character == "’", !word.isEmpty {
                continue  // "don't" is one word, "customer's" stems to "customer"
            } else {
                flushWord()
                flushRun()
            }
        }
        flushWord()
        flushRun()
        return terms
    }

    /// A single-character CJK term made for one-character queries.
    static func isUnigram(_ term: String) -> Bool {
        term.count == 2 && term.hasPrefix(unigramPrefix) && term.last.map(isCJK) == true
    }

    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF,  // Hiragana, Katakana
             0x3400...0x4DBF,  // CJK Extension A
             0x4E00...0x9FFF,  // CJK Unified Ideographs
             0xAC00...0xD7AF,  // Hangul syllables
             0xF900...0xFAFF,  // CJK Compatibility Ideographs
             0x20000...0x2FA1F:  // Extensions B and on
            return true
        default:
            return false
        }
    }

    /// Light stemming: plurals and the commonest verb endings, with guards that keep short
    /// words whole ("news", "bus", "ring"). Enough to match "refunds" with "refund" and
    /// "charging" with "charge" without Porter's surprises.
    static func stem(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy({ $0.isASCII && $0.isLetter }) else { return word }
        var stem = word
        if stem.hasSuffix("ies"), stem.count > 4 { stem = String(stem.dropLast(3)) + "y" }
        else if stem.hasSuffix("sses") { stem = String(stem.dropLast(2)) }
        else if stem.hasSuffix("es"), ["ch", "sh", "x", "z"].contains(where: { stem.dropLast(2).hasSuffix($0) }) {
            stem = String(stem.dropLast(2))
        } else if stem.hasSuffix("s"), !stem.hasSuffix("ss"), !stem.hasSuffix("us"), !stem.hasSuffix("is") {
            stem = String(stem.dropLast())
        }
        if stem.hasSuffix("ing"), stem.count > 5 { stem = undouble(String(stem.dropLast(3))) }
        else if stem.hasSuffix("ed"), stem.count > 4, !stem.hasSuffix("eed") { stem = undouble(String(stem.dropLast(2))) }
        if stem.hasSuffix("e"), stem.count > 4 { stem = String(stem.dropLast()) }
        return stem
    }

    /// "stopped" → "stopp" → "stop"; "calling" → "call" keeps its "ll".
    private static func undouble(_ stem: String) -> String {
        guard let last = stem.last, stem.count > 3, stem.dropLast().last == last, !"lsz".contains(last) else { return stem }
        return String(stem.dropLast())
    }
}
