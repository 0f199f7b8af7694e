import Foundation
import KefuServiceKit
import KefuStorage
import Logging
import ServiceLifecycle

/// Scheduled training: when the interval in the settings has passed and examples arrived since
/// the newest model, one replica (whichever claims the schedule row first) trains a new one.
struct TrainingScheduler: Service {
    let state: ClassifierState
    let runtime: ServiceRuntime
    var interval: Duration = .seconds(2)

    func run() async throws {
        await runPeriodically(every: interval, logger: runtime.logger, failure: "scheduled training failed", runIfDue)
    }

    func runIfDue() async throws {
        let settings = state.currentPolicy.settings
        guard settings.trainingIntervalHours > 0 else { return }
        let claimed = try await runtime.transaction { work in
            try work.query("""
                UPDATE classification.training_schedule SET next_run_at = now() + make_interval(secs => $1)
                WHERE next_run_at <= now() RETURNING next_run_at
                """, [settings.trainingIntervalHours * 3600]).count == 1 && (try ModelStore.hasNewExamples(on: work.connection))
        }
        guard claimed else { return }
        let version = try await ModelStore.train(runtime: runtime, trigger: .schedule, activateWhenBetter: settings.activateWhenBetter)
        runtime.logger.info("scheduled training done", metadata: [
            "version": "\(version.version)", "accuracy": "\(version.accuracy)", "active": "\(version.active)",
        ])
        try await ClassifierRefresher(state: state, runtime: runtime).refresh()
    }
}
