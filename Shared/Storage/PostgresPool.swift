import Dispatch
import Synchronization

/// How to reach the database, with tunables that have sensible defaults.
public struct PostgresConfiguration: Sendable {
    public struct Options: Sendable {
        /// Connections opened at most; each has its own thread while it runs a query.
        public var maximumConnections: Int = 4
        public init() {}
    }

    /// A libpq connection URI, `postgresql://user:password@host:port/database`.
    public var url: String
    public var options: Options

    public init(url: String, options: Options = .init()) {
        self.url = url
        self.options = options
    }
}

/// A small pool of blocking libpq connections.
///
/// Each connection lives on a serial `DispatchQueue` of its own, so libpq's blocking calls never
/// run on Swift's cooperative pool, and a connection is never used by two threads at once.
/// Closures passed in are synchronous: a transaction does its database work and nothing else.
public final class PostgresPool: Sendable {
    private let configuration: PostgresConfiguration
    private let state: Mutex<State>

    private struct State {
        var idle: [Slot]
        var waiters: [(id: Int, continuation: CheckedContinuation<Slot, any Error>)] = []
        var nextWaiterID = 0
        var isShutDown = false
    }

    public init(configuration: PostgresConfiguration) {
        self.configuration = configuration
        let slots = (0..<max(1, configuration.options.maximumConnections)).map { Slot(index: $0) }
        self.state = Mutex(State(idle: slots))
    }

    /// Runs `body` on a connection of the pool, opening or re-opening it as needed.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        let slot = try await checkout()
        defer { checkin(slot) }
        return try await slot.run(url: configuration.url, body)
    }

    /// Runs `body` inside BEGIN … COMMIT; any error rolls the whole transaction back.
    public func withTransaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try connection.execute("BEGIN")
            do {
                let result = try body(connection)
                try connection.execute("COMMIT")
                return result
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Keeps one connection for a sequence of steps with async work between them, such as a
    /// transaction that stays open while messages are published.
    public func withReservedConnection<Result: Sendable>(
        _ body: (ReservedConnection) async throws -> Result
    ) async throws -> Result {
        let slot = try await checkout()
        defer { checkin(slot) }
        return try await body(ReservedConnection(slot: slot, url: configuration.url))
    }

    /// True when a connection answers a trivial query now.
    public func isReachable() async -> Bool {
        (try? await withConnection { try $0.execute("SELECT 1") }) != nil
    }

    public func shutdown() {
        let waiters = state.withLock { state -> [CheckedContinuation<Slot, any Error>] in
            state.isShutDown = true
            defer { state.waiters.removeAll() }
            return state.waiters.map(\.continuation)
        }
        waiters.forEach { $0.resume(throwing: PostgresError(code: .poolShutDown)) }
    }

    /// A free slot, waiting for one if all are busy. A caller cancelled while it waits leaves the
    /// queue with `CancellationError`, so a service shutting down never hangs on a busy pool.
    private func checkout() async throws -> Slot {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<Slot, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.isShutDown { return .failure(PostgresError(code: .poolShutDown)) }
                    if let slot = state.idle.popLast() { return .success(slot) }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Slot, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func checkin(_ slot: Slot) {
        let waiter = state.withLock { state -> CheckedContinuation<Slot, any Error>? in
            if state.waiters.isEmpty {
                state.idle.append(slot)
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: slot)
    }
}

/// One pooled connection and the queue it is confined to.
///
/// `@unchecked Sendable` because `connection` is read and written only inside `queue.async`
/// blocks, and the pool hands a slot to one caller at a time.
final class Slot: @unchecked Sendable {
    let queue: DispatchQueue
    var connection: PostgresConnection?

    init(index: Int) {
        self.queue = DispatchQueue(label: "kefu.postgres.\(index)")
    }

    func run<Result: Sendable>(
        url: String,
        _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    if self.connection?.isHealthy != true {
                        self.connection?.close()
                        self.connection = try PostgresConnection(url: url)
                    }
                    continuation.resume(returning: try body(self.connection!))
                } catch {
                    if self.connection?.isHealthy != true { self.connection = nil }
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// A connection held across several steps; each `run` executes on the connection's own queue.
public struct ReservedConnection: Sendable {
    let slot: Slot
    let url: String

    public func run<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> Result) async throws -> Result {
        try await slot.run(url: url, body)
    }
}

extension PostgresConnection {
    /// Runs `body` inside a savepoint, so that its failure undoes only its own work.
    public func withSavepoint<Result>(_ name: String = "kefu_item", _ body: () throws -> Result) throws -> Result {
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            _ = try? execute("ROLLBACK TO SAVEPOINT \(name)")
            throw error
        }
    }
}
