public import KefuContracts
public import KefuMessaging

extension Delivery {
    /// Decodes the body as `type`; a body that does not fit can never succeed, so it is a
    /// `PermanentFailure` and the delivery is dead-lettered with the reason.
    public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        do {
            return try KefuJSON.decode(type, from: body)
        } catch let error as DecodingError {
            throw PermanentFailure("\(Value.self): " + (error.fieldError.map { "\($0)" } ?? "body is not JSON"))
        } catch {
            throw PermanentFailure("\(Value.self): body is not JSON")
        }
    }
}
