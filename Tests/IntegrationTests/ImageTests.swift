import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `deploy/kefu image`: every service's OCI archive, built with umoci and skopeo and no container
/// engine, unpacked as a runtime would, and its binary run from the image's root filesystem as
/// the image's own non-root user against the test stack, until `/health/live` and
/// `/health/ready` answer.
@Suite("OCI images run from their own root filesystem", .serialized)
struct ImageTests {
    static let services = ["intake", "classification", "dispatch", "notification", "survey", "console", "knowledge"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

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

    @Test("each service's image holds its binary and libraries, runs as user 10001, carries its labels and gets ready")
    func imagesRun() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-images-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let built = try Self.run(["/bin/bash", Self.root.appendingPathComponent("deploy/kefu").path, "image",
                                  "--bin-dir", try Stack.value("KEFU_BIN_DIR"), "--out", folder.path, "--version", "0.0.0-test", "all"])
        try #require(built.status == 0, "deploy/kefu image: \(built.output)")
        print(built.output)
        for (offset, service) in Self.services.enumerated() {
            let archive = folder.appendingPathComponent("kefu-\(service).oci.tar")
            let inspected = try Self.run(["/usr/bin/skopeo", "inspect", "--config", "oci-archive:\(archive.path)"])
            #expect(inspected.status == 0, "\(inspected.output)")
            let config = (try JSONSerialization.jsonObject(with: Data(inspected.output.utf8)) as? [String: Any])?["config"] as? [String: Any]
            #expect(config?["User"] as? String == "10001:10001", "kefu-\(service) runs as a non-root user")
            let labels = config?["Labels"] as? [String: String] ?? [:]
            #expect(labels["org.opencontainers.image.version"] == "0.0.0-test" && labels["org.opencontainers.image.revision"]?.count == 40
                    && labels["org.opencontainers.image.source"] != nil, "kefu-\(service) labels: \(labels)")

            let bundle = folder.appendingPathComponent("bundle-\(service)")
            let layout = folder.appendingPathComponent("layout-\(service)")
            #expect(try Self.run(["/usr/bin/skopeo", "copy", "--quiet", "oci-archive:\(archive.path)", "oci:\(layout.path):run"]).status == 0)
            #expect(try Self.run(["/usr/bin/umoci", "unpack", "--rootless", "--image", "\(layout.path):run", bundle.path]).status == 0)
            let rootfs = bundle.appendingPathComponent("rootfs").path
            #expect(FileManager.default.fileExists(atPath: rootfs + "/etc/ssl/certs/ca-certificates.crt"))
            #expect(!FileManager.default.fileExists(atPath: rootfs + "/bin/sh"), "no shell or anything else in the image")
            try await Self.runsReady(service, rootfs: rootfs, port: 18_950 + offset, log: folder.appendingPathComponent("\(service).log"))
            try? FileManager.default.removeItem(at: bundle)
            try? FileManager.default.removeItem(at: layout)
        }
    }

    /// The binary from `rootfs`, chrooted and as uid 10001, with the service's own connection
    /// settings: ready within 30 s, and gone after SIGTERM.
    static func runsReady(_ service: String, rootfs: String, port: Int, log: URL) async throws {
        let upper = service.uppercased()
        var environment = [
            "KEFU_AMQP_URL": try Stack.value("KEFU_\(upper)_AMQP_URL"), "KEFU_DATABASE_URL": try Stack.value("KEFU_\(upper)_DATABASE_URL"),
            "KEFU_AUTH_KEY": try Stack.value("KEFU_AUTH_KEY"), "KEFU_HTTP_HOST": "127.0.0.1", "KEFU_HTTP_PORT": String(port),
            "TZDIR": "/usr/share/zoneinfo", "SWIFT_BACKTRACE": "enable=no", "KEFU_LOG_LEVEL": "info",
        ]
        if service == "notification" { environment["KEFU_QUIET_HOURS"] = "" }
        let process = Process()
        let isRoot = getuid() == 0
        process.executableURL = URL(fileURLWithPath: isRoot ? "/usr/sbin/chroot" : "/usr/bin/unshare")
        process.arguments = isRoot ? ["--userspec=10001:10001", rootfs, "/usr/local/bin/kefu-\(service)"]
            : ["--user", "--map-root-user", "/usr/sbin/chroot", rootfs, "/usr/local/bin/kefu-\(service)"]
        process.environment = environment
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let logFile = try FileHandle(forWritingTo: log)
        defer { try? logFile.close() }
        process.standardOutput = logFile
        process.standardError = logFile
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        // A minute: on two busy cores one start took over 30 s in CI (the log now says how far it got).
        let ready = try await eventually(timeout: .seconds(60)) { () -> Bool? in
            guard let live = try? await HTTP.get(base.appending(path: "health/live"), token: nil), live.status == 200,
                  let ready = try? await HTTP.get(base.appending(path: "health/ready"), token: nil), ready.status == 200 else { return nil }
            return true
        }
        #expect(ready == true, "kefu-\(service) from its image answers /health/live and /health/ready: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        process.terminate()
        let stopped = try await eventually(timeout: .seconds(40)) { process.isRunning ? nil : true }
        #expect(stopped == true && process.terminationStatus == 0, "kefu-\(service) drains and exits on SIGTERM")
    }
}
