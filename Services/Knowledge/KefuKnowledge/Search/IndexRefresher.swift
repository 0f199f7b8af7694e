import KefuServiceKit
import ServiceLifecycle

/// Keeps this replica's search index current: loads it at start, then looks for changes every
/// `KEFU_KNOWLEDGE_REFRESH_SECONDS`, so that an edit made through another replica (or an
/// import run from the command line) is found within that time.
struct IndexRefresher: Service {
    let index: ArticleIndex
    let runtime: ServiceRuntime
    let interval: Double

    func run() async {
        await runPeriodically(every: .milliseconds(Int(interval * 1000)), logger: runtime.logger,
                              failure: "search index refresh failed") {
            try await index.refresh(with: runtime.pool)
        }
    }
}
