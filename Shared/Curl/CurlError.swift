/// Why a transfer through libcurl failed. The description is libcurl's own account of the step
/// that failed (for SMTP, the server's reply code), never the message or its addresses.
public struct CurlError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case couldNotConnect = "could not connect"
            case timedOut = "timed out"
            case tls = "TLS failed"
            case loginDenied = "login denied"
            case refused = "refused by the server"
            case transfer = "transfer failed"
            case setUp = "could not set up the transfer"
        }

        private let base: Base

        public static let couldNotConnect = Code(base: .couldNotConnect)
        public static let timedOut = Code(base: .timedOut)
        public static let tls = Code(base: .tls)
        public static let loginDenied = Code(base: .loginDenied)
        public static let refused = Code(base: .refused)
        public static let transfer = Code(base: .transfer)
        public static let setUp = Code(base: .setUp)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// libcurl's message for the failure, e.g. "RCPT failed: 550".
    public let detail: String

    public init(_ code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? code.description : "\(code): \(detail)" }
}
