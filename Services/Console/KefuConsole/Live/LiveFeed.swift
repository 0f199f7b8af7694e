import Foundation
import KefuServiceKit
import KefuStorage
import Logging
import ServiceLifecycle
import Synchronization

/// Fans the live log out to this replica's browsers. One loop tails `console.live_events` for
/// the whole replica (whichever replica's consumer stored an event), and hands each new event to
/// every open stream, which keeps what its person may see. A reconnecting browser first replays
/// from the database what came after its `Last-Event-ID`, so nothing between is lost.
final class LiveFeed: Service, Sendable {
    private struct Subscribers {
        var streams: [UUID: AsyncStream<LiveEvent?>.Continuation] = [:]
        var newest: Int64 = 0
    }

    private let runtime: ServiceRuntime
    private let retention: TimeInterval
    private let subscribers = Mutex(Subscribers())
    /// How often the log is read: events reach browsers within this, whichever replica stored them.
    static let pollInterval: Duration = .milliseconds(200)

    init(runtime: ServiceRuntime, retention: TimeInterval) {
        self.runtime = runtime
        self.retention = retention
    }

    var newestID: Int64 { subscribers.withLock { $0.newest } }

    func run() async throws {
        var newest = try await latestID()
        subscribers.withLock { $0.newest = newest }
        var lastHeartbeat = ContinuousClock.now
        var lastCleanup = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let fresh = try await events(after: newest, limit: 500)
                if let last = fresh.last {
                    newest = last.id
                    broadcast(fresh, newest: newest)
                }
                if fresh.count == 500 { continue }
                if ContinuousClock.now - lastCleanup > .seconds(600) {
                    try await forgetOld()
                    lastCleanup = .now
                }
            } catch {
                runtime.logger.warning("live feed failed", metadata: ["error": "\(error)"])
            }
            // Streams pass through proxies that close idle connections: a comment every 15 s.
            if ContinuousClock.now - lastHeartbeat > .seconds(15) {
                broadcast([], newest: newest, heartbeat: true)
                lastHeartbeat = .now
            }
            try? await Task.sleep(for: Self.pollInterval)
        }
        let open = subscribers.withLock { state in
            defer { state.streams.removeAll() }
            return Array(state.streams.values)
        }
        open.forEach { $0.finish() }
    }

    /// A new stream: events from now on, and nil for each heartbeat. It ends when the service
    /// shuts down, when it falls 1000 events behind, or at `unsubscribe(id)`, which its reader
    /// must call when it stops reading.
    func subscribe() -> (id: UUID, stream: AsyncStream<LiveEvent?>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<LiveEvent?>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        subscribers.withLock { $0.streams[id] = continuation }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.withLock { $0.streams.removeValue(forKey: id) }?.finish()
    }

    var subscriberCount: Int { subscribers.withLock { $0.streams.count } }

    /// What a reconnecting browser missed, from the log.
    func events(after id: Int64, limit: Int) async throws -> [LiveEvent] {
        try await runtime.read { try LiveEventStore.events(after: id, limit: limit, on: $0) }
    }

    private func broadcast(_ events: [LiveEvent], newest: Int64, heartbeat: Bool = false) {
        let streams = subscribers.withLock { state in
            state.newest = newest
            return Array(state.streams.values)
        }
        for stream in streams {
            for event in events {
                if case .dropped = stream.yield(event) {
                    stream.finish()
                    break
                }
            }
            if heartbeat { stream.yield(nil) }
        }
    }

    private func latestID() async throws -> Int64 {
        try await runtime.read { try LiveEventStore.newestID(on: $0) }
    }

    private func forgetOld() async throws {
        let seconds = retention
        try await runtime.transaction { work in try LiveEventStore.forget(olderThan: seconds, in: work) }
    }
}
