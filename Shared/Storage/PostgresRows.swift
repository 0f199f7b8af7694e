/// The rows of one result, copied out of libpq so that they outlive the `PGresult`.
public struct PostgresRows: Sendable, Sequence {
    public let columns: [String]
    let values: [[String?]]
    /// Rows touched by an INSERT, UPDATE or DELETE.
    public let affectedRows: Int
    /// Column name to position, built once for the result and shared by its rows.
    let columnIndex: [String: Int]

    init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
        self.columnIndex = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var count: Int { values.count }
    public var first: PostgresRow? { values.isEmpty ? nil : row(0) }
    public var last: PostgresRow? { values.isEmpty ? nil : row(values.count - 1) }

    public func row(_ index: Int) -> PostgresRow {
        PostgresRow(columnIndex: columnIndex, values: values[index])
    }

    public func makeIterator() -> some IteratorProtocol<PostgresRow> {
        values.lazy.map { PostgresRow(columnIndex: columnIndex, values: $0) }.makeIterator()
    }

}

/// One row; columns are read by name and decoded from text.
public struct PostgresRow: Sendable {
    let columnIndex: [String: Int]
    let values: [String?]

    /// The decoded column, `nil` for SQL NULL. Throws when the column is missing or malformed.
    public func decode<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value? {
        guard let index = columnIndex[column] else {
            throw PostgresError(code: .decoding, column: column, problem: "is not in the result")
        }
        guard let text = values[index] else { return nil }
        guard let value = Value(postgresText: text) else {
            throw PostgresError(code: .decoding, column: column, problem: "is not \(Value.self)")
        }
        return value
    }

    /// The decoded column, which must not be NULL.
    public func require<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        guard let value = try decode(column, as: type) else {
            throw PostgresError(code: .decoding, column: column, problem: "is NULL where \(Value.self) is needed")
        }
        return value
    }
}
