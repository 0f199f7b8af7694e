/// Guesses a ticket's language from its script, and for Latin script from common words. It
/// answers with a BCP 47 tag, `und` when the text gives nothing to go on.
public enum LanguageDetector {
    public static func detect(_ text: String) -> String {
        var han = 0, kana = 0, hangul = 0, cyrillic = 0, arabic = 0, thai = 0, latin = 0
        for scalar in text.unicodeScalars.prefix(4096) {
            switch scalar.value {
            case 0x3040...0x30FF: kana += 1
            case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: han += 1
            case 0xAC00...0xD7AF, 0x1100...0x11FF: hangul += 1
            case 0x0400...0x04FF: cyrillic += 1
            case 0x0600...0x06FF: arabic += 1
            case 0x0E00...0x0E7F: thai += 1
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: latin += 1
            default: break
            }
        }
        // Japanese writes Han too, so any kana decides it; a few Latin words (model names,
        // "OK") do not make a Chinese text English.
        if kana > 0 && kana * 5 >= han { return "ja" }
        if han > 0 && han * 4 >= latin { return "zh-CN" }
        let scripts = [(hangul, "ko"), (cyrillic, "ru"), (arabic, "ar"), (thai, "th")]
        if let (count, tag) = scripts.max(by: { $0.0 < $1.0 }), count > 0, count * 2 >= latin { return tag }
        guard latin > 0 else { return "und" }
        return latinLanguage(text)
    }

    /// The Latin-script language whose common words occur most; English when none stands out.
    static func latinLanguage(_ text: String) -> String {
        var scores: [String: Int] = [:]
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter }).prefix(400) {
            for (tag, words) in commonWords where words.contains(String(word)) { scores[tag, default: 0] += 1 }
        }
        guard let best = scores.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }), best.value >= 2,
              best.value > scores["en", default: 0] else { return "en" }
        return best.key
    }

    static let commonWords: [String: Set<String>] = [
        "en": ["the", "and", "is", "not", "my", "it", "to", "of", "with", "please", "have", "this", "for", "does"],
        "fr": ["le", "la", "les", "est", "et", "pas", "une", "des", "mon", "ma", "avec", "pour", "ne", "je"],
        "de": ["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "mein", "ich", "bitte", "funktioniert"],
        "es": ["el", "la", "los", "las", "es", "y", "no", "una", "mi", "con", "para", "por", "funciona", "que"],
        "pt": ["o", "os", "não", "uma", "meu", "minha", "com", "para", "por", "funciona", "está", "que"],
        "it": ["il", "lo", "gli", "non", "una", "mio", "mia", "con", "per", "funziona", "che", "è"],
    ]
}
