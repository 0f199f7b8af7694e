import Foundation
import KefuServiceKit
import KefuStorage
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps a `ClassifierState` on the policy revision and model version in the database, so an
/// edit or activation made through any replica reaches every replica within a couple of seconds.
struct ClassifierRefresher: Service {
    let state: ClassifierState
    let runtime: ServiceRuntime
    var interval: Duration = .seconds(1)

    func run() async throws {
        FreedMemory.mapLargeBlocks()  // before the first model is loaded
        await runPeriodically(every: interval, logger: runtime.logger, failure: "could not refresh the classifier", refresh)
    }

    func refresh() async throws {
        let (revision, activeVersion) = try await runtime.read { connection -> (Int, Int?) in
            let revision: Int = try connection.query("SELECT revision FROM classification.settings").first?.require("revision") ?? 0
            let version: Int? = try connection.query("SELECT version FROM classification.models WHERE active").first?.require("version")
            return (revision, version)
        }
        if revision != state.currentPolicy.revision {
            state.replace(policy: try await runtime.read { try PolicyStore.load(on: $0) })
            runtime.logger.info("policy loaded", metadata: ["revision": "\(revision)"])
        }
        guard activeVersion != state.currentModel?.version else { return }
        guard let activeVersion else {
            state.replace(model: nil)
            FreedMemory.giveBack()
            return
        }
        guard activeVersion != state.unloadableVersion.withLock({ $0 }) else { return }
        let model: TextModel?
        do {
            model = try await ModelStore.load(version: activeVersion, runtime: runtime)
        } catch let error as TextModel.EncodingError {
            // A model this build cannot read: keep the one in use (rules alone, if none) rather
            // than fail every refresh, and every policy change after it.
            runtime.logger.error("model cannot be read; the one in use stays", metadata: [
                "version": "\(activeVersion)", "error": "\(error)"])
            state.unloadableVersion.withLock { $0 = activeVersion }
            return
        }
        state.replace(model: model.map { ClassifierState.ActiveModel(version: activeVersion, model: $0) })
        FreedMemory.giveBack()
        runtime.logger.info("model activated", metadata: ["version": "\(activeVersion)"])
    }
}
