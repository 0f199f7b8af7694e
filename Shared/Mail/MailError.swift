/// Why a message could not be read as mail. The description names the problem, never the content.
public struct MailError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case notMail = "not an RFC 5322 message"
            case nestedTooDeep = "MIME parts nested too deeply"
        }

        private let base: Base

        public static let notMail = Code(base: .notMail)
        public static let nestedTooDeep = Code(base: .nestedTooDeep)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// Where in the message the problem is, e.g. "line 1"; never a copy of the text itself.
    public let location: String?

    public init(_ code: Code, at location: String? = nil) {
        self.code = code
        self.location = location
    }

    public var description: String {
        location.map { "\(code) (\($0))" } ?? code.description
    }
}
