import Foundation
import KefuServiceKit
import KefuStorage
import Logging
import ServiceLifecycle
import Synchronization

/// The active model of this process, swapped without a restart. Every replica checks the
/// database for a newly activated version every few seconds and loads it.
public final class ModelRegistry: Sendable {
    public struct Active: Sendable {
        public let version: Int
        public let model: TextModel
    }

    private let active = Mutex<Active?>(nil)

    public init() {}

    public var current: Active? { active.withLock { $0 } }

    func replace(with model: Active?) { active.withLock { $0 = model } }
}

/// Keeps a `ModelRegistry` on the version marked active in `classification.models`.
struct ModelRefresher: Service {
    let registry: ModelRegistry
    let runtime: ServiceRuntime
    var interval: Duration = .seconds(5)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await refresh()
            } catch {
                runtime.logger.warning("could not load the active model", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func refresh() async throws {
        let known = registry.current?.version
        let active = try await runtime.read { connection -> Int? in
            try connection.query("SELECT version FROM classification.models WHERE active").first?.require("version")
        }
        guard active != known else { return }
        guard let active else {
            registry.replace(with: nil)
            return
        }
        let model = try await ModelStore.load(version: active, runtime: runtime)
        registry.replace(with: model.map { ModelRegistry.Active(version: active, model: $0) })
        runtime.logger.info("model activated", metadata: ["version": "\(active)"])
    }
}
