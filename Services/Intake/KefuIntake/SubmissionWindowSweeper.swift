import KefuServiceKit
import KefuStorage
import Logging
import ServiceLifecycle

/// Forgets submission ids older than the window, hourly. The claim already treats them as new;
/// this only keeps the table from growing for ever.
struct SubmissionWindowSweeper: Service {
    let runtime: ServiceRuntime
    let settings: IntakeSettings

    func run() async throws {
        await runPeriodically(every: .seconds(3600), logger: runtime.logger, failure: "submission window sweep failed") {
            let days = settings.submissionWindowDays
            let removed = try await runtime.transaction { connection in
                try connection.query("DELETE FROM intake.submissions WHERE received_at < now() - make_interval(days => $1)",
                                     [days]).affectedRows
            }
            if removed > 0 { runtime.logger.info("forgot old submission ids", metadata: ["count": "\(removed)"]) }
        }
    }
}
