import Foundation
import Testing

/// The docs as a newcomer reads them: every setting the code reads is documented, every table
/// is whole, every document named exists, and a second stack is told how to stop itself.
@Suite("Documentation and the run command agree with the code")
struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func swiftSources() throws -> [String] {
        var texts: [String] = []
        for folder in ["Services", "Shared"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension == "swift" { texts.append(try String(contentsOf: url, encoding: .utf8)) }
            }
        }
        return texts
    }

    @Test("every KEFU_ setting the services read is in docs/configuration.md")
    func settingsDocumented() throws {
        let documentation = try Self.read("docs/configuration.md")
        let read = Set(try Self.swiftSources().flatMap { text in
            text.matches(of: /"(KEFU_[A-Z0-9_]+)"/).map { String($0.output.1) }
        })
        #expect(read.count > 40)
        let missing = read.filter { !documentation.contains("`\($0)`") && !documentation.contains($0) }.sorted()
        #expect(missing.isEmpty, "undocumented: \(missing)")
    }

    @Test("every table in docs/configuration.md has a header, and every row its header's columns")
    func tablesWhole() throws {
        let lines = try Self.read("docs/configuration.md").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func cells(_ line: String) -> Int {
            // `|` inside backticks does not separate cells.
            var count = 0, inCode = false
            for character in line {
                if character == "`" { inCode.toggle() }
                if character == "|" && !inCode { count += 1 }
            }
            return count
        }
        var header: Int?
        for (index, line) in lines.enumerated() {
            guard line.hasPrefix("|") else {
                header = nil
                continue
            }
            if header == nil {
                let separator = index + 1 < lines.count ? lines[index + 1] : ""
                #expect(separator.hasPrefix("|---"), "line \(index + 1) is a table row with no header above it: \(line.prefix(60))")
                header = cells(line)
            } else {
                #expect(cells(line) == header, "line \(index + 1) has \(cells(line) - 1) cells, its header \(header! - 1)")
            }
        }
    }

    @Test("every document the README, the docs and deploy/kefu name exists")
    func documentsExist() throws {
        let docs = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }
        for source in ["README.md", "deploy/kefu"] + docs {
            for match in try Self.read(source).matches(of: /docs\/[a-z0-9_-]+\.(md|yaml)/) {
                let path = String(match.output.0)
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "\(source) names \(path)")
            }
        }
    }

    @Test("a stack in a folder of its own is told the command that stops that stack")
    func stopCommand() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-docs-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.root.appendingPathComponent("deploy/kefu").path, "status"]
        var environment = ProcessInfo.processInfo.environment
        environment["KEFU_STATE_DIR"] = folder.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("stop with KEFU_STATE_DIR=\(folder.path) deploy/kefu down"), "\(text)")
    }
}
