/// One thing wrong with an input, named by a JSON pointer (RFC 6901) to the field.
/// Messages describe the rule that was broken and never repeat the submitted value.
public struct FieldError: Codable, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field.isEmpty ? "/" : field): \(message)" }
}

/// Every field error found in one input, reported together.
public struct ValidationError: Error, Sendable, CustomStringConvertible {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "; ") }
}
