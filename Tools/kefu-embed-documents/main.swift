import Foundation

// kefu-embed-documents OUTPUT OPENAPI ASYNCAPI: writes a Swift file holding both documents as
// raw string literals in an `APIDocuments.embedded` (KefuServiceKit), for the EmbedAPIDocuments
// build plugin.

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: kefu-embed-documents OUTPUT OPENAPI ASYNCAPI\n".utf8))
    exit(64)
}

/// The raw-string delimiter. A document that contains it, closing quotes included, is refused
/// rather than embedded wrongly.
let hashes = "####"

func literal(_ path: String) -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write(Data("error: cannot read \(path): every service needs its document\n".utf8))
        exit(66)
    }
    guard !text.contains("\"\"\"\(hashes)") && !text.contains("\\\(hashes)") else {
        FileHandle.standardError.write(Data("error: \(path) contains the raw-string delimiter \(hashes)\n".utf8))
        exit(65)
    }
    // The newline before the closing quotes is not part of a multi-line literal, so the text
    // comes back byte for byte.
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

let source = """
    // Generated at build time by kefu-embed-documents from docs/. Edit those, not this.
    import KefuServiceKit

    extension APIDocuments {
        /// docs/openapi/<service>.yaml and docs/asyncapi.yaml as this binary was built with them.
        static let embedded = APIDocuments(
            openAPI: \(literal(arguments[1])),
            asyncAPI: \(literal(arguments[2])))
    }

    """
do {
    try source.write(toFile: arguments[0], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("error: cannot write \(arguments[0]): \(error)\n".utf8))
    exit(73)
}
