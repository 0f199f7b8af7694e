import Foundation
public import KefuContracts

/// Runs the rules over a ticket. Rules run in position order, and their actions combine so:
/// - category: the first matching rule's of each precedence; `Decider` weighs them against the model;
/// - priority: the first rule that sets one, then every matching rule's raise, added up;
/// - complaint: set when any matching rule sets it;
/// - SLA class: the first rule that sets one.
public struct RuleEngine: Sendable {
    public struct Outcome: Sendable {
        /// The first matching rule's category and name, for each precedence.
        public var categories: [Rule.Precedence: (category: String, rule: String)] = [:]
        public var priority: Priority?
        public var raise = 0
        public var complaint = false
        public var slaClass: String?
        public var fired: [FiredRule] = []
    }

    public struct FiredRule: Codable, Sendable, Hashable {
        public var id: Int?
        public var name: String
        /// What the rule asked for; a later decision may have set some of it aside.
        public var effects: [String]

        public init(id: Int?, name: String, effects: [String]) {
            self.id = id
            self.name = name
            self.effects = effects
        }
    }

    private let rules: [CompiledRule]

    public init(_ rules: [Rule]) {
        self.rules = rules.filter(\.enabled).sorted { ($0.position, $0.id ?? 0) < ($1.position, $1.id ?? 0) }
            .map(CompiledRule.init)
    }

    public func evaluate(_ facts: TicketFacts) -> Outcome {
        var outcome = Outcome()
        var fieldValues: [String: MatchableText] = [:]
        func matchable(_ field: String) -> MatchableText? {
            if let known = fieldValues[field] { return known }
            let made = facts.value(of: field).map(MatchableText.init)
            fieldValues[field] = made
            return made
        }
        for compiled in rules where compiled.conditions.allSatisfy({ condition in
            matchable(condition.field).map(condition.holds) ?? false
        }) {
            let action = compiled.rule.then
            var effects: [String] = []
            if let category = action.category {
                let precedence = compiled.rule.effectivePrecedence
                switch precedence {
                case .override: effects.append("overrides category with \(category)")
                case .beforeModel: effects.append("sets category \(category)")
                case .fallback: effects.append("sets category \(category) if the model is unsure")
                }
                if outcome.categories[precedence] == nil { outcome.categories[precedence] = (category, compiled.rule.name) }
            }
            if let priority = action.priority {
                effects.append("sets priority \(priority.rawValue)")
                if outcome.priority == nil { outcome.priority = priority }
            }
            if let raise = action.raisePriority {
                effects.append("raises priority by \(raise)")
                outcome.raise += raise
            }
            if action.complaint == true {
                effects.append("flags a complaint")
                outcome.complaint = true
            }
            if let slaClass = action.slaClass {
                effects.append("sets SLA class \(slaClass)")
                if outcome.slaClass == nil { outcome.slaClass = slaClass }
            }
            outcome.fired.append(FiredRule(id: compiled.rule.id, name: compiled.rule.name, effects: effects))
        }
        return outcome
    }
}

/// A field's value prepared once for every condition that reads it.
struct MatchableText {
    let original: String
    let lowered: String
    /// Lower case, with every run of characters other than letters and digits as one space.
    let words: String

    init(_ text: String) {
        original = text
        lowered = text.lowercased()
        words = Self.words(lowered)
    }

    static func words(_ text: String) -> String {
        text.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
    }
}

private struct CompiledRule: Sendable {
    let rule: Rule
    let conditions: [CompiledCondition]

    init(_ rule: Rule) {
        self.rule = rule
        conditions = rule.when.map(CompiledCondition.init)
    }
}

private struct CompiledCondition: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe
    let field: String
    let match: Rule.Match
    let values: [String]
    let expressions: [NSRegularExpression]

    init(_ condition: Rule.Condition) {
        field = condition.field
        match = condition.match
        switch condition.match {
        case .phrase: values = condition.values.map { MatchableText.words($0.lowercased()) }
        default: values = condition.values.map { $0.lowercased() }
        }
        expressions = condition.match == .regex
            ? condition.values.compactMap { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) } : []
    }

    func holds(on text: MatchableText) -> Bool {
        switch match {
        case .keywords: values.contains { Self.contains(text.lowered, keyword: $0) }
        case .phrase: values.contains { Self.contains(text.words, keyword: $0) }
        case .equals: values.contains { $0 == text.lowered.trimmingCharacters(in: .whitespaces) }
        case .regex:
            expressions.contains { expression in
                expression.firstMatch(in: text.original, range: NSRange(text.original.startIndex..., in: text.original)) != nil
            }
        }
    }

    /// Whole words for keywords that start or end with a Latin letter or digit; anywhere otherwise.
    static func contains(_ text: String, keyword: String) -> Bool {
        guard let first = keyword.first, let last = keyword.last else { return false }
        let boundedStart = first.isASCII && (first.isLetter || first.isNumber)
        let boundedEnd = last.isASCII && (last.isLetter || last.isNumber)
        var searchFrom = text.startIndex
        while let found = text.range(of: keyword, options: [], range: searchFrom..<text.endIndex) {
            let startOK = !boundedStart || found.lowerBound == text.startIndex
                || !Self.isWordCharacter(text[text.index(before: found.lowerBound)])
            let endOK = !boundedEnd || found.upperBound == text.endIndex || !Self.isWordCharacter(text[found.upperBound])
            if startOK && endOK { return true }
            searchFrom = text.index(after: found.lowerBound)
        }
        return false
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber)
    }
}
