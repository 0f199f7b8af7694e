import Foundation
import KefuContracts

/// Labelled examples in bulk: JSON lines (`{"text": …, "label": …}`) or CSV with a `text,label`
/// header. Every bad line is reported by number; none is stored unless all are good.
enum TrainingExamplesParser {
    static let maximumTextCharacters = 10_000

    /// The examples, each with the line it came from.
    static func parse(_ bytes: [UInt8], mediaType: String) -> Result<[(line: Int, example: TextModel.Example)], ValidationError> {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(ValidationError([FieldError(field: "", message: "is not valid UTF-8")]))
        }
        var examples: [(line: Int, example: TextModel.Example)] = []
        var errors: [FieldError] = []
        let rows = mediaType == "text/csv" ? CSV.rows(text) : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (offset, row) in rows.enumerated() {
            let line = offset + 1
            if row.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            var pair: (String, String)?
            if mediaType == "text/csv" {
                if offset == 0 { continue }  // the header
                let fields = CSV.fields(row)
                if fields.count == 2 { pair = (fields[0], fields[1]) }
            } else if let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                      let text = object["text"] as? String, let label = object["label"] as? String {
                pair = (text, label)
            }
            guard let (text, label) = pair else {
                errors.append(FieldError(field: "/lines/\(line)", message: mediaType == "text/csv"
                    ? "must have two fields, text and label" : "must be an object with text and label strings"))
                continue
            }
            let trimmedLabel = label.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.count > maximumTextCharacters || text.utf8.contains(0) {
                errors.append(FieldError(field: "/lines/\(line)/text", message: "must be 1 to \(maximumTextCharacters) characters"))
            } else if trimmedLabel.isEmpty || trimmedLabel.count > 100 || trimmedLabel.utf8.contains(0) {
                errors.append(FieldError(field: "/lines/\(line)/label", message: "must be 1 to 100 characters"))
            } else {
                examples.append((line, TextModel.Example(text: text, label: trimmedLabel)))
            }
        }
        if !errors.isEmpty { return .failure(ValidationError(Array(errors.prefix(50)))) }
        if examples.isEmpty { return .failure(ValidationError([FieldError(field: "", message: "holds no examples")])) }
        return .success(examples)
    }
}
