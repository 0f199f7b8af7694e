/// Why a request was not allowed. The description names the rule, never the token.
public struct AuthError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case missing = "a bearer token is required"
            case malformed = "the bearer token is not a well-formed JWT"
            case badSignature = "the bearer token's signature does not match"
            case unsupportedAlgorithm = "the bearer token must be signed with HS256"
            case expired = "the bearer token has expired"
            case forbidden = "the token's scopes do not allow this"
        }

        private let base: Base

        public static let missing = Code(base: .missing)
        public static let malformed = Code(base: .malformed)
        public static let badSignature = Code(base: .badSignature)
        public static let unsupportedAlgorithm = Code(base: .unsupportedAlgorithm)
        public static let expired = Code(base: .expired)
        public static let forbidden = Code(base: .forbidden)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// For `forbidden`: the scope that was needed.
    public let scope: Scope?

    public init(_ code: Code, scope: Scope? = nil) {
        self.code = code
        self.scope = scope
    }

    public var description: String {
        scope.map { "\(code) (needs \($0))" } ?? code.description
    }
}
