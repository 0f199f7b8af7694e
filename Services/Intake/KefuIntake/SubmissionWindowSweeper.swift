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
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let days = settings.submissionWindowDays
                let removed = try await runtime.read { connection in
                    try connection.query("DELETE FROM intake.submissions WHERE received_at < now() - make_interval(days => $1)",
                                         [days]).affectedRows
                }
                if removed > 0 { runtime.logger.info("forgot old submission ids", metadata: ["count": "\(removed)"]) }
            } catch {
                runtime.logger.warning("submission window sweep failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
