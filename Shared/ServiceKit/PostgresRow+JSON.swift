public import KefuContracts
public import KefuStorage

extension PostgresRow {
    /// A JSON column (selected as text: `body::text AS body`) decoded the way every Kefu message is.
    public func json<Value: Decodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        try KefuJSON.decode(type, from: Array(try require(column, as: String.self).utf8))
    }
}

/// A type read from rows by column name: its coding keys are the columns' names, and JSON
/// columns (selected as text) decode the way every Kefu message does. Conforming is the whole
/// mapping; `init(_:)` comes free, for `rows.map(View.init)`.
public protocol RowDecodable: Decodable {}

extension RowDecodable {
    public init(_ row: PostgresRow) throws {
        self = try row.decode(Self.self, json: KefuJSON.decoder)
    }
}
