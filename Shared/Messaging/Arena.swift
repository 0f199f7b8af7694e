import CRabbitMQ
import Foundation

/// Owns the C memory behind the `amqp_bytes_t` and tables passed to one library call.
///
/// Swift strings handed to C as temporary pointers dangle after the call that made them, so every
/// string is copied here and freed when the arena goes away, after the library call returns.
final class Arena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit { allocations.forEach { free($0) } }

    func bytes(_ string: String) -> amqp_bytes_t {
        bytes(Array(string.utf8))
    }

    func bytes(_ buffer: [UInt8]) -> amqp_bytes_t {
        guard !buffer.isEmpty, let memory = malloc(buffer.count) else { return amqp_empty_bytes }
        allocations.append(memory)
        buffer.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: buffer.count) }
        return amqp_bytes_t(len: buffer.count, bytes: memory)
    }

    func table(_ fields: [String: AMQPFieldValue]) -> amqp_table_t {
        table(fields.sorted(by: { $0.key < $1.key }).map { key, value in
            var field = amqp_field_value_t()
            switch value {
            case .string(let text):
                field.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                field.value.bytes = bytes(text)
            case .int(let number):
                field.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
                field.value.i64 = number
            case .bool(let flag):
                field.kind = UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue)
                field.value.boolean = flag ? 1 : 0
            }
            return (key, field)
        })
    }

    private func table(_ entries: [(String, amqp_field_value_t)]) -> amqp_table_t {
        guard !entries.isEmpty else { return amqp_empty_table }
        let memory = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: entries.count)
        allocations.append(UnsafeMutableRawPointer(memory))
        for (index, (key, value)) in entries.enumerated() {
            memory[index] = amqp_table_entry_t(key: bytes(key), value: value)
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: memory)
    }

    /// The client properties sent at login: the connection's name, for the management UI, and
    /// the capabilities the library does not ask for itself. rabbitmq-c merges them with its own.
    func clientProperties(name: String?) -> amqp_table_t {
        var capabilities = amqp_field_value_t()
        capabilities.kind = UInt8(AMQP_FIELD_KIND_TABLE.rawValue)
        capabilities.value.table = table(["connection.blocked": .bool(true), "consumer_cancel_notify": .bool(true)])
        var entries = [("capabilities", capabilities)]
        if let name {
            var field = amqp_field_value_t()
            field.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
            field.value.bytes = bytes(name)
            entries.append(("connection_name", field))
        }
        return table(entries)
    }

    /// Reads the string, integer and boolean entries of a received table; others are skipped.
    static func fields(_ table: amqp_table_t) -> [String: AMQPFieldValue] {
        var fields: [String: AMQPFieldValue] = [:]
        guard table.num_entries > 0, let entries = table.entries else { return fields }
        for index in 0..<Int(table.num_entries) {
            let entry = entries[index]
            let key = AMQPConnection.string(entry.key)
            let value = entry.value
            switch UInt32(value.kind) {
            case AMQP_FIELD_KIND_UTF8.rawValue, AMQP_FIELD_KIND_BYTES.rawValue:
                fields[key] = .string(AMQPConnection.string(value.value.bytes))
            case AMQP_FIELD_KIND_BOOLEAN.rawValue:
                fields[key] = .bool(value.value.boolean != 0)
            case AMQP_FIELD_KIND_I8.rawValue: fields[key] = .int(Int64(value.value.i8))
            case AMQP_FIELD_KIND_U8.rawValue: fields[key] = .int(Int64(value.value.u8))
            case AMQP_FIELD_KIND_I16.rawValue: fields[key] = .int(Int64(value.value.i16))
            case AMQP_FIELD_KIND_U16.rawValue: fields[key] = .int(Int64(value.value.u16))
            case AMQP_FIELD_KIND_I32.rawValue: fields[key] = .int(Int64(value.value.i32))
            case AMQP_FIELD_KIND_U32.rawValue: fields[key] = .int(Int64(value.value.u32))
            case AMQP_FIELD_KIND_I64.rawValue: fields[key] = .int(value.value.i64)
            case AMQP_FIELD_KIND_U64.rawValue, AMQP_FIELD_KIND_TIMESTAMP.rawValue:
                fields[key] = .int(Int64(clamping: value.value.u64))
            default: break
            }
        }
        return fields
    }
}
