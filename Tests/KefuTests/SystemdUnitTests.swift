import Foundation
import Testing

/// The systemd units in deploy/systemd, as `deploy/kefu install-systemd` lays them out: every
/// unit passes `systemd-analyze verify` with nothing to say, every service is hardened and waits
/// longer than its graceful drain, and each env template names exactly the settings that
/// docs/configuration.md lists for that service.
@Suite("systemd units and env templates")
struct SystemdUnitTests {
    static let services = ["intake", "classification", "dispatch", "notification", "survey", "console", "knowledge"]
    static let root = DocumentationTests.root

    /// Runs a program to its end: its exit status and everything it printed.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test("install-systemd lays out binaries, units, env files and docs, and every unit verifies cleanly")
    func unitsVerify() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-systemd-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Stand-ins for the release binaries: the install copies whatever it is given.
        let binaries = folder.appendingPathComponent("built")
        try FileManager.default.createDirectory(at: binaries, withIntermediateDirectories: true)
        for service in Self.services {
            try FileManager.default.copyItem(atPath: "/bin/true", toPath: binaries.appendingPathComponent("kefu-\(service)").path)
        }
        let installed = folder.appendingPathComponent("root")
        let install = try Self.run(["/bin/bash", Self.root.appendingPathComponent("deploy/kefu").path, "install-systemd",
                                    "--root", installed.path, "--bin-dir", binaries.path])
        #expect(install.status == 0, "\(install.output)")
        let units = installed.appendingPathComponent("etc/systemd/system")
        var paths: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: units.path).sorted() {
            // verify resolves ExecStart on this machine; point it at the installed copies.
            let unit = units.appendingPathComponent(name)
            let text = try String(contentsOf: unit, encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/", with: installed.path + "/usr/local/bin/")
            try text.write(to: unit, atomically: true, encoding: .utf8)
            paths.append(unit.path)
        }
        #expect(paths.count == 2 * Self.services.count + 1)
        for service in Self.services {
            #expect(FileManager.default.isExecutableFile(atPath: installed.path + "/usr/local/bin/kefu-\(service)"))
            #expect(FileManager.default.fileExists(atPath: installed.path + "/etc/kefu/\(service).env"))
        }
        let verified = try Self.run(["/usr/bin/systemd-analyze", "verify", "--man=no"] + paths)
        #expect(verified.status == 0 && verified.output.isEmpty, "systemd-analyze verify: \(verified.output)")
    }

    @Test("every service unit runs as its own user, hardened, restarted on failure, and outwaits the drain")
    func hardened() throws {
        for service in Self.services {
            let unit = try DocumentationTests.read("deploy/systemd/kefu-\(service).service")
            let settings = Dictionary(unit.split(separator: "\n").compactMap { line -> (String, String)? in
                guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { return nil }
                return (String(line[..<equals]), String(line[line.index(after: equals)...]))
            }, uniquingKeysWith: { first, _ in first })
            for (key, value) in ["User": "kefu-\(service)", "EnvironmentFile": "/etc/kefu/\(service).env", "NoNewPrivileges": "yes",
                                 "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "Restart": "on-failure",
                                 "Requires": "kefu-\(service)-migrate.service", "RestartPreventExitStatus": "78",
                                 "WantedBy": "kefu.target"] {
                #expect(settings[key] == value, "kefu-\(service).service \(key)")
            }
            #expect(settings["RestrictAddressFamilies"]?.contains("AF_INET") == true && settings["MemoryMax"] != nil)
            // The drain is KEFU_SHUTDOWN_TIMEOUT_SECONDS (25 by default) plus 5 s of cancelling.
            let stop = Int(settings["TimeoutStopSec"]?.replacingOccurrences(of: "s", with: "") ?? "") ?? 0
            #expect(stop > 30, "kefu-\(service).service TimeoutStopSec \(stop)")
            let migrate = try DocumentationTests.read("deploy/systemd/kefu-\(service)-migrate.service")
            #expect(migrate.contains("ExecStart=/usr/local/bin/kefu-\(service) migrate") && migrate.contains("Type=oneshot"))
        }
        let target = try DocumentationTests.read("deploy/systemd/kefu.target")
        for service in Self.services { #expect(target.contains("kefu-\(service).service"), "kefu.target wants \(service)") }
    }

    @Test("each env template names exactly the settings docs/configuration.md lists for its service")
    func envTemplatesMatchTheDocs() throws {
        let documented = try Self.documentedSettings()
        #expect(documented["common"]?.count ?? 0 > 10)
        for service in Self.services {
            let template = try DocumentationTests.read("deploy/systemd/env/\(service).env")
            let named = Set(template.matches(of: /(?m)^#?(KEFU_[A-Z0-9_]+)=/).map { String($0.output.1) })
            let expected = (documented["common"] ?? []).union(documented[service] ?? [])
            #expect(named == expected, "\(service).env: missing \(expected.subtracting(named).sorted()), extra \(named.subtracting(expected).sorted())")
        }
    }

    /// The settings in configuration.md's tables under "The services": the shared ones, then each
    /// service's own ("Intake also reads:", …, "The console"). `_SMS` after `KEFU_NOTIFY_RATE_EMAIL`
    /// is `KEFU_NOTIFY_RATE_SMS`.
    static func documentedSettings() throws -> [String: Set<String>] {
        var sections: [String: Set<String>] = [:]
        var current: String?
        for line in try DocumentationTests.read("docs/configuration.md").split(separator: "\n").map(String.init) {
            if line.hasPrefix("## ") { current = line.hasPrefix("## The services") ? "common" : nil; continue }
            if let match = line.wholeMatch(of: /(\w+) also reads:/) { current = match.output.1.lowercased(); continue }
            if line.hasPrefix("The console (`kefu-console`") { current = "console"; continue }
            guard let section = current, line.hasPrefix("| `KEFU_") else { continue }
            let first = line.split(separator: "|", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            var names: [String] = []
            for match in first.matches(of: /`(KEFU_[A-Z0-9_]+|_[A-Z0-9_]+)`/) {
                let name = String(match.output.1)
                if name.hasPrefix("_"), let stem = names.first?.split(separator: "_").dropLast().joined(separator: "_") {
                    names.append(stem + name)
                } else {
                    names.append(name)
                }
            }
            sections[section, default: []].formUnion(names)
        }
        return sections
    }
}
