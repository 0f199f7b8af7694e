import Foundation
import KefuContracts
import KefuServiceKit

/// `kefu-knowledge import FILE…`: Markdown files (`.md`) and JSON lines (`.jsonl`), in one
/// transaction, checked whole first. Running replicas find the articles at their next refresh.
enum ImportCommand {
    static func run(_ arguments: [String], runtime: ServiceRuntime) async throws {
        guard !arguments.isEmpty else { throw ValidationError([FieldError(field: "files", message: "name .md or .jsonl files")]) }
        var entries: [ArticleImport.Entry] = []
        var errors: [FieldError] = []
        for path in arguments {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                errors.append(FieldError(field: path, message: "cannot be read as UTF-8 text"))
                continue
            }
            if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") {
                let parsed = ArticleImport.jsonLines(text)
                entries += parsed.entries
                errors += parsed.errors.map { FieldError(field: path + $0.field, message: $0.message) }
            } else {
                let parsed = ArticleImport.markdown(text)
                if let entry = parsed.entry { entries.append(entry) }
                errors += parsed.errors.map { FieldError(field: path + $0.field, message: $0.message) }
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        let toWrite = entries
        let outcome = try await runtime.transaction { work in try ArticleImport.apply(toWrite, by: "import", in: work) }
        print("imported: \(outcome.created) new, \(outcome.updated) updated")
    }
}
