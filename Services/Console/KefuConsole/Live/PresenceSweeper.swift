import Foundation
import KefuServiceKit
import ServiceLifecycle

/// Forgets who had a ticket open once their page has been silent for a minute, sign-in
/// failures once they are older than any window counts, sessions a day after they ended or went
/// idle, drafts untouched for 30 days and ticket holders no event has named for 30 days.
struct PresenceSweeper: Service {
    let runtime: ServiceRuntime
    let idleTimeout: TimeInterval

    func run() async throws {
        await runPeriodically(every: .seconds(60), logger: runtime.logger, failure: "presence sweep failed") {
            try await runtime.transaction { work in
                try PresenceStore.forgetSilent(in: work)
                try SignInThrottle.forgetOld(in: work)
                try SessionStore.forgetOld(idle: idleTimeout, in: work)
                try PresenceStore.forgetOldDrafts(in: work)
                try LiveEventStore.forgetOldHolders(in: work)
            }
        }
    }
}
