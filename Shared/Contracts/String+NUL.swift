extension String {
    /// The text with every NUL replaced: PostgreSQL text and jsonb cannot hold one. Done on
    /// scalars, because Foundation's `replacingOccurrences` on Linux misses NULs in some strings.
    public func replacingNUL(with replacement: String = "") -> String {
        guard utf8.contains(0) else { return self }
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == "\u{0}" { result.append(contentsOf: replacement.unicodeScalars) } else { result.append(scalar) }
        }
        return String(result)
    }
}
