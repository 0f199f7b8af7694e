/// An error from the database layer.
///
/// `description` names the kind of failure and the SQLSTATE only: server messages can quote row
/// values, so they are kept in `serverMessage` for logs that are allowed to carry data.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        public static let connectionFailed = Code(base: "connectionFailed")
        public static let connectionLost = Code(base: "connectionLost")
        public static let server = Code(base: "server")
        public static let decoding = Code(base: "decoding")
        public static let poolShutDown = Code(base: "poolShutDown")
        /// A parameter held a NUL character, which PostgreSQL text cannot store; libpq would
        /// silently cut the value there.
        public static let nulInParameter = Code(base: "nulInParameter")
        public var description: String { base }
    }

    public let code: Code
    /// Five-character SQLSTATE from the server, when the server answered.
    public let sqlState: String?
    /// The server's own text. It may contain data; never put it in `description`.
    public let serverMessage: String?
    /// For a row that would not decode: the column, and what was wrong with it ("is NULL where
    /// Int is needed"). Names and types only, never the value, so both go into `description`.
    public let column: String?
    public let problem: String?

    public init(code: Code, sqlState: String? = nil, serverMessage: String? = nil) {
        self.code = code
        self.sqlState = sqlState
        self.serverMessage = serverMessage
        self.column = nil
        self.problem = nil
    }

    public init(code: Code, column: String?, problem: String) {
        self.code = code
        self.sqlState = nil
        self.serverMessage = nil
        self.column = column
        self.problem = problem
    }

    public var description: String {
        if let sqlState { return "PostgresError(code: \(code), sqlState: \(sqlState))" }
        if let problem { return "PostgresError(code: \(code), column \(column ?? "?") \(problem))" }
        return "PostgresError(code: \(code))"
    }

    /// Retrying the same work later can succeed: the connection went away, or the server asked
    /// for a retry (serialization failure, deadlock, shutdown in progress).
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .poolShutDown: return true
        default:
            guard let sqlState else { return false }
            return sqlState.hasPrefix("40") || sqlState.hasPrefix("08") || sqlState.hasPrefix("57P")
        }
    }

    public static let insufficientPrivilege = "42501"
}
