import CCurl

/// One libcurl easy handle. libcurl keeps the connection to the last server open on the handle,
/// so reusing one handle for a series of transfers saves the TCP and TLS handshakes. A handle
/// must be used by one thread at a time, like everything in libcurl.
final class CurlHandle {
    /// curl_global_init is not thread-safe: Swift runs a static's initialiser exactly once.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    private let handle: UnsafeMutableRawPointer
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    init() throws(CurlError) {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw CurlError(.setUp, detail: "libcurl did not initialise")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    var raw: UnsafeMutableRawPointer { handle }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(kefu_curl_set_long(handle, option, value), setting: option)
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        try check(value.withCString { kefu_curl_set_string(handle, option, $0) }, setting: option)
    }

    func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) throws(CurlError) {
        try check(kefu_curl_set_list(handle, option, list), setting: option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(kefu_curl_set_pointer(handle, option, pointer), setting: option)
    }

    func set(_ option: CURLoption, callback: kefu_curl_io_callback) throws(CurlError) {
        try check(kefu_curl_set_callback(handle, option, callback), setting: option)
    }

    /// Runs the transfer set up on the handle; libcurl's error buffer names what failed.
    func perform() throws(CurlError) {
        errorBuffer.withUnsafeMutableBufferPointer { buffer in
            buffer[0] = 0
            _ = kefu_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
        }
        let result = curl_easy_perform(handle)
        _ = kefu_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, nil)
        guard result != CURLE_OK else { return }
        let buffered = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw CurlError(Self.code(for: result), detail: buffered.isEmpty ? String(cString: curl_easy_strerror(result)) : buffered)
    }

    var responseCode: Int {
        var code = 0
        _ = kefu_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Forgets the previous transfer's options but keeps the open connection.
    func reset() {
        curl_easy_reset(handle)
    }

    private func check(_ result: CURLcode, setting option: CURLoption) throws(CurlError) {
        guard result == CURLE_OK else {
            throw CurlError(.setUp, detail: "option \(option.rawValue): \(String(cString: curl_easy_strerror(result)))")
        }
    }

    private static func code(for result: CURLcode) -> CurlError.Code {
        switch result {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_USE_SSL_FAILED: .tls
        case CURLE_LOGIN_DENIED: .loginDenied
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING: .transfer
        case CURLE_WEIRD_SERVER_REPLY, CURLE_QUOTE_ERROR, CURLE_REMOTE_ACCESS_DENIED: .refused
        default: .transfer
        }
    }
}
