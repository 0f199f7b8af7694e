import CCurl
import Foundation

/// Sends mail through an SMTP server with libcurl: plain, STARTTLS or implicit TLS, with
/// optional authentication. One client holds one connection and must be used by one thread at a
/// time (it may move between threads); give each concurrent sender its own.
public final class SMTPClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        public enum Security: String, Sendable, CaseIterable {
            /// No TLS; for a relay on loopback.
            case none
            /// Upgrade with STARTTLS and fail if the server cannot.
            case startTLS = "starttls"
            /// TLS from the first byte (`smtps://`, usually port 465).
            case implicitTLS = "tls"
        }

        /// `smtp://host:port`; the scheme is adjusted to the security chosen.
        public var host: String
        public var port: Int
        public var security: Security
        public var username: String?
        public var password: String?
        public var options = Options()

        public struct Options: Sendable {
            /// Connect and whole-transfer limits.
            public var connectTimeout: Duration = .seconds(5)
            public var timeout: Duration = .seconds(30)
            /// A CA bundle to trust instead of the system's, for a private relay.
            public var caFile: String?
            public var verifyPeer = true
            public init() {}
        }

        public init(host: String, port: Int, security: Security = .none, username: String? = nil, password: String? = nil) {
            self.host = host
            self.port = port
            self.security = security
            self.username = username
            self.password = password
        }

        var url: String { "\(security == .implicitTLS ? "smtps" : "smtp")://\(host):\(port)" }
    }

    /// What the server said when it took the message, e.g. "250 2.0.0 Ok: queued as 1A2B".
    public struct Acceptance: Sendable, Hashable {
        public let code: Int
        public let reply: String
    }

    private let configuration: Configuration
    private let handle: CurlHandle

    public init(_ configuration: Configuration) throws(CurlError) {
        self.configuration = configuration
        self.handle = try CurlHandle()
    }

    /// Hands `message` (a complete RFC 5322 message, CRLF line ends) to the server for each of
    /// `recipients`. A 5xx answer is `.refused`: sending again will not help.
    public func send(from sender: String, to recipients: [String], message: [UInt8]) throws(CurlError) -> Acceptance {
        let upload = Transfer(message)
        let unmanaged = Unmanaged.passRetained(upload)
        defer { unmanaged.release() }
        var recipientList: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { recipientList = curl_slist_append(recipientList, recipient) }
        defer { curl_slist_free_all(recipientList) }

        handle.reset()
        try handle.set(CURLOPT_URL, configuration.url)
        try handle.set(CURLOPT_USE_SSL, Int(configuration.security == .none ? CURLUSESSL_NONE.rawValue : CURLUSESSL_ALL.rawValue))
        if let username = configuration.username { try handle.set(CURLOPT_USERNAME, username) }
        if let password = configuration.password { try handle.set(CURLOPT_PASSWORD, password) }
        if let caFile = configuration.options.caFile { try handle.set(CURLOPT_CAINFO, caFile) }
        if !configuration.options.verifyPeer {
            try handle.set(CURLOPT_SSL_VERIFYPEER, 0)
            try handle.set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.options.connectTimeout))
        try handle.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.options.timeout))
        try handle.set(CURLOPT_NOSIGNAL, 1)
        try handle.set(CURLOPT_MAIL_FROM, "<\(sender)>")
        try handle.set(CURLOPT_MAIL_RCPT, list: recipientList)
        try handle.set(CURLOPT_UPLOAD, 1)
        try handle.set(CURLOPT_INFILESIZE_LARGE, message.count)
        try handle.set(CURLOPT_READFUNCTION, callback: Transfer.read)
        try handle.set(CURLOPT_READDATA, pointer: unmanaged.toOpaque())
        // libcurl passes the server's response lines to the header callback.
        try handle.set(CURLOPT_HEADERFUNCTION, callback: Transfer.collectReply)
        try handle.set(CURLOPT_HEADERDATA, pointer: unmanaged.toOpaque())
        do {
            try handle.perform()
        } catch {
            // A 5xx to the envelope or the message will be the same next time; a refused login
            // or TLS problem is the operator's to fix and stays what it is.
            let code = handle.responseCode
            if code >= 500, error.code == .transfer || error.code == .refused {
                throw CurlError(.refused, detail: "\(code): \(error.detail)")
            }
            throw error
        }
        let reply = upload.replies.last { $0.hasPrefix("250") } ?? "\(handle.responseCode)"
        return Acceptance(code: handle.responseCode, reply: reply)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// The bytes going up and the lines coming back, reached from libcurl's C callbacks.
private final class Transfer {
    let bytes: [UInt8]
    var offset = 0
    var replies: [String] = []

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static let read: kefu_curl_io_callback = { buffer, size, count, userdata in
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
        let length = min(size * count, transfer.bytes.count - transfer.offset)
        guard length > 0, let buffer else { return 0 }
        transfer.bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + transfer.offset, byteCount: length)
        }
        transfer.offset += length
        return length
    }

    static let collectReply: kefu_curl_io_callback = { buffer, size, count, userdata in
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
        let length = size * count
        if let buffer, transfer.replies.count < 64 {
            let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
            transfer.replies.append(line.trimmingCharacters(in: .newlines))
        }
        return length
    }
}
