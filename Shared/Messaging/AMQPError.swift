/// An error from the broker layer. `description` carries the operation and the AMQP reply code,
/// never message contents.
public struct AMQPError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        public static let connectionFailed = Code(base: "connectionFailed")
        public static let loginFailed = Code(base: "loginFailed")
        /// The server closed the channel or connection; `replyCode` says why (403, 404, 406…).
        public static let closedByServer = Code(base: "closedByServer")
        public static let library = Code(base: "library")
        public static let publishNacked = Code(base: "publishNacked")
        public static let confirmTimeout = Code(base: "confirmTimeout")
        public static let shutDown = Code(base: "shutDown")
        public var description: String { base }
    }

    public let code: Code
    /// What was being done: "queue.declare", "basic.consume", "login", …
    public let operation: String
    /// AMQP reply code from the server (403 access refused, 404 not found, 406 precondition failed).
    public let replyCode: Int?
    /// Server or library text, for logs.
    public let detail: String?

    public init(code: Code, operation: String, replyCode: Int? = nil, detail: String? = nil) {
        self.code = code
        self.operation = operation
        self.replyCode = replyCode
        self.detail = detail
    }

    public var description: String {
        var text = "AMQPError(code: \(code), operation: \(operation)"
        if let replyCode { text += ", replyCode: \(replyCode)" }
        return text + ")"
    }
}
