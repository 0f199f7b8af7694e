public import KefuContracts
public import KefuMessaging

extension Delivery {
    /// Decodes the body as `type`; a body that does not fit can never succeed, so it is a
    /// `PermanentFailure` and the delivery is dead-lettered with the reason.
    public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        do {
            return try KefuJSON.decode(type, from: body)
        } catch let DecodingError.keyNotFound(key, _) {
            throw PermanentFailure("\(Value.self): field \(key.stringValue) is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw PermanentFailure("\(Value.self): \(path.isEmpty ? "body" : path) has the wrong type or format")
        } catch {
            throw PermanentFailure("\(Value.self): body is not JSON")
        }
    }
}
