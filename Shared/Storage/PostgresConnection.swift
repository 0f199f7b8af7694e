import CLibPQ
import Foundation

/// One libpq connection. Blocking: it is only ever used from the pool's dedicated queue for that
/// connection, never from the cooperative thread pool.
public final class PostgresConnection {
    private var handle: OpaquePointer?

    init(url: String) throws {
        guard let handle = PQconnectdb(url) else { throw PostgresError(code: .connectionFailed) }
        self.handle = handle
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            self.handle = nil
            throw PostgresError(code: .connectionFailed, serverMessage: message)
        }
        // Server notices ("relation already exists, skipping") would go to stderr unstructured.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try execute("SET TIME ZONE 'UTC'")
    }

    deinit { close() }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    var isHealthy: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Runs one statement with `$1`-style parameters. Values never become part of the SQL text.
    ///
    /// Each distinct SQL text is prepared once per connection and executed by name afterwards:
    /// the statements are fixed strings in the code, so the cache stays small, and skipping the
    /// parse and plan on every call is most of the server's work for Kefu's short statements.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        guard let handle else { throw PostgresError(code: .connectionLost) }
        let name = try preparedName(for: sql, on: handle)
        let texts = parameters.map { $0?.postgresText }
        if texts.contains(where: { $0?.utf8.contains(0) == true }) { throw PostgresError(code: .nulInParameter) }
        let result: OpaquePointer? = withCStrings(texts) { pointers in
            PQexecPrepared(handle, name, Int32(pointers.count), pointers, nil, nil, 0)
        }
        return try consume(result)
    }

    private var prepared: [String: String] = [:]

    private func preparedName(for sql: String, on handle: OpaquePointer) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "kefu_\(prepared.count)"
        _ = try consume(PQprepare(handle, name, sql, 0, nil))
        prepared[sql] = name
        return name
    }

    /// Runs SQL without parameters; it may hold several statements (migrations).
    @discardableResult
    public func execute(_ sql: String) throws -> PostgresRows {
        guard let handle else { throw PostgresError(code: .connectionLost) }
        return try consume(PQexec(handle, sql))
    }

    private func consume(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else {
            throw PostgresError(code: isHealthy ? .server : .connectionLost,
                                serverMessage: handle.map { String(cString: PQerrorMessage($0)) })
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            break
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = PQresultErrorMessage(result).map { String(cString: $0) }
            throw PostgresError(code: isHealthy ? .server : .connectionLost, sqlState: state, serverMessage: message)
        }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows = [[String?]]()
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values = [String?]()
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(values)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, values: rows, affectedRows: affected)
    }
}

/// Hands libpq an array of C strings (NULL for SQL NULL) that stay alive for the call.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
