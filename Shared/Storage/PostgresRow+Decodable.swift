public import Foundation

extension PostgresRows {
    /// Every row as a `Row`, each coding key read from the column of the same name: a type
    /// that already decodes from the API's snake_case JSON decodes from a row selected with the
    /// same names. Columns that hold JSON (select them as text, `skills::text AS skills`) decode
    /// into nested types with `json`. The column index is built once for the whole result.
    public func decode<Row: Decodable>(_ type: Row.Type, json: JSONDecoder = JSONDecoder()) throws -> [Row] {
        try (0..<count).map { try row($0).decode(type, json: json) }
    }
}

extension PostgresRow {
    /// This row as a `Row`; see `PostgresRows.decode(_:json:)`. A missing column, a NULL where a
    /// value is needed, or a value of the wrong kind throws, naming the column and the type.
    public func decode<Row: Decodable>(_ type: Row.Type, json: JSONDecoder = JSONDecoder()) throws -> Row {
        try Row(from: RowDecoder(row: self, json: json))
    }
}

/// Decodes one row: keyed by column name, each column's text parsed as its type asks.
private struct RowDecoder: Decoder {
    let row: PostgresRow
    let json: JSONDecoder
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(row: row, json: json))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw PostgresError(code: .decoding, serverMessage: "a row decodes into a keyed type, not a list")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw PostgresError(code: .decoding, serverMessage: "a row decodes into a keyed type, not a single value")
    }
}

private struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: PostgresRow
    let json: JSONDecoder
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columnIndex.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { row.columnIndex[key.stringValue] != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try text(key) == nil }

    // The protocol wants every primitive spelled out; they all read the text the same way.
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(type, key) }
    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value { try value(type, key) }

    private func value<Value: Decodable>(_ type: Value.Type, _ key: Key) throws -> Value {
        guard let text = try text(key) else { throw Self.error(key, "is NULL where \(Value.self) is needed") }
        if let decodable = Value.self as? any PostgresDecodable.Type {
            guard let value = decodable.init(postgresText: text) as? Value else { throw Self.error(key, "is not \(Value.self)") }
            return value
        }
        // An enum with raw values reads the text itself; anything with structure reads it as JSON.
        do {
            return try Value(from: ColumnText(text: text))
        } catch is ColumnText.NeedsJSON {
            do {
                return try json.decode(Value.self, from: Data(text.utf8))
            } catch {
                throw Self.error(key, "is not JSON for \(Value.self)")
            }
        } catch {
            throw Self.error(key, "is not \(Value.self)")
        }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw Self.error(key, "cannot be a nested container; decode it as a type")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw Self.error(key, "cannot be a nested container; decode it as a type")
    }

    func superDecoder() throws -> any Decoder { throw Self.error(nil, "rows have no superclass decoders") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw Self.error(key, "rows have no superclass decoders") }

    private func text(_ key: Key) throws -> String? {
        guard let index = row.columnIndex[key.stringValue] else { throw Self.error(key, "is not in the result") }
        return row.values[index]
    }

    private static func error(_ key: Key?, _ problem: String) -> PostgresError {
        PostgresError(code: .decoding, column: key?.stringValue, problem: problem)
    }
}

/// One column's text, for types that decode from a single value (enums with raw values).
private struct ColumnText: Decoder, SingleValueDecodingContainer {
    struct NeedsJSON: Error {}
    let text: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw NeedsJSON() }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw NeedsJSON() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { false }

    func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
    func decode(_ type: String.Type) throws -> String { try value(type) }
    func decode(_ type: Double.Type) throws -> Double { try value(type) }
    func decode(_ type: Float.Type) throws -> Float { try value(type) }
    func decode(_ type: Int.Type) throws -> Int { try value(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try value(type) }

    private func value<Value: Decodable>(_ type: Value.Type) throws -> Value {
        guard let decodable = Value.self as? any PostgresDecodable.Type,
              let value = decodable.init(postgresText: text) as? Value else { throw NeedsJSON() }
        return value
    }
}
