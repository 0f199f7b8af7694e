import Synchronization

/// Wakes one waiting task early; rings while nobody waits are remembered once.
/// The outbox relay waits on it so that a commit is published at once instead of at the next poll.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when rung, or after `timeout`, whichever comes first.
    public func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            self.ring()  // releases the ring-waiter if the timer won; leaves a spare ring otherwise
            await group.waitForAll()
            self.state.withLock { $0.rung = false }
        }
    }

    private func waitForRing() async {
        await withCheckedContinuation { continuation in
            let alreadyRung = state.withLock { state -> Bool in
                if state.rung {
                    state.rung = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if alreadyRung { continuation.resume() }
        }
    }
}
