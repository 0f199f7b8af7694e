public import Foundation
public import KefuContracts

extension DecodingError {
    /// What was wrong, as a field error with a JSON pointer; nil when the input is not JSON at
    /// all. The one place decoding failures are described, for HTTP bodies and for messages alike.
    public var fieldError: FieldError? {
        switch self {
        case .keyNotFound(let key, let context):
            return FieldError(field: Self.pointer(context.codingPath + [key]), message: "is required")
        case .dataCorrupted(let context) where context.codingPath.isEmpty,
             .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return nil
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return FieldError(field: Self.pointer(context.codingPath), message: "has the wrong type or format")
        @unknown default:
            return nil
        }
    }

    private static func pointer(_ path: [any CodingKey]) -> String {
        path.map { "/" + ($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
    }
}
