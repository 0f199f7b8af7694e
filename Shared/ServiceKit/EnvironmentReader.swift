public import Foundation

/// Reads a service's own settings from its environment; a bad value throws a
/// `ConfigurationError` naming the variable, so the service stops at start instead of running
/// with a guess.
public struct EnvironmentReader: Sendable {
    let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// The value, or nil when unset or empty.
    public func text(_ key: String) -> String? {
        environment[key].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func number(_ key: String, atLeast minimum: Double) throws -> Double? {
        guard let text = text(key) else { return nil }
        guard let number = Double(text), number >= minimum else {
            throw ConfigurationError(variable: key, requirement: "must be a number of at least \(minimum)")
        }
        return number
    }

    public func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = text(key) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(variable: key, requirement: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// true/false, yes/no or 1/0; nil when unset.
    public func boolean(_ key: String) throws -> Bool? {
        guard let text = text(key)?.lowercased() else { return nil }
        switch text {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw ConfigurationError(variable: key, requirement: "must be true or false")
        }
    }

    public func flag(_ key: String) -> Bool {
        ["1", "true", "yes"].contains(text(key)?.lowercased() ?? "")
    }

    public func timeZone(_ key: String) throws -> TimeZone? {
        guard let text = text(key) else { return nil }
        guard let zone = TimeZone(identifier: text) else {
            throw ConfigurationError(variable: key, requirement: "must be an IANA time zone such as Asia/Shanghai")
        }
        return zone
    }
}
