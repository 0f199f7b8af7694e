public import KefuContracts
public import KefuStorage

extension PostgresRow {
    /// A JSON column (selected as text: `body::text AS body`) decoded the way every Kefu message is.
    public func json<Value: Decodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        try KefuJSON.decode(type, from: Array(try require(column, as: String.self).utf8))
    }
}
