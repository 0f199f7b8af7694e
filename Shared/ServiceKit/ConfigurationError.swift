/// A setting the service cannot start without, named with what it must be.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let variable: String
    public let requirement: String

    public init(variable: String, requirement: String) {
        self.variable = variable
        self.requirement = requirement
    }

    public var description: String { "\(variable) \(requirement)" }
}
