import Foundation
import Glibc
import ServiceLifecycle
import Synchronization

/// The one way Kefu's broker clients wait.
///
/// A connection belongs to one thread (rabbitmq-c connections are single-threaded). That thread
/// sleeps in `poll` on two descriptors: the connection's socket and a pipe that async callers
/// write to when they hand it work. A frame from the broker and work from a caller both end the
/// wait at once; when neither comes, the wait ends in time to service heartbeats.
final class Wakeup: @unchecked Sendable {
    // `@unchecked Sendable`: the two descriptors are set once in `init`; writing a byte to a
    // pipe and reading it back are safe from any thread.
    private let readEnd: Int32
    private let writeEnd: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        // Non-blocking both ways: a full pipe already means "wake up", and draining stops at empty.
        // Close-on-exec, so that a crash reporter spawned by the process does not inherit it.
        precondition(pipe(&ends) == 0, "pipe failed: \(errno)")
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func ring() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Sleeps until `socket` has input, someone rings, or `timeout` passes.
    func wait(socket: Int32?, timeout: Duration) {
        var descriptors = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        if let socket, socket >= 0 { descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: max(0, seconds) * 1000 + attoseconds / 1_000_000_000_000_000)
        _ = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}

/// Opens connections for one client, trying each endpoint of a cluster in turn and backing off
/// between rounds that all failed.
struct Reconnector {
    let configuration: AMQPConfiguration
    private(set) var delay: Duration
    private var next = 0

    init(configuration: AMQPConfiguration) {
        self.configuration = configuration
        self.delay = configuration.options.reconnectInitialDelay
    }

    /// A connection to the first endpoint that answers, starting after the one that last failed.
    mutating func connect() throws -> AMQPConnection {
        var lastError: (any Error)?
        for _ in configuration.endpoints.indices {
            let endpoint = configuration.endpoints[next % configuration.endpoints.count]
            do {
                let connection = try AMQPConnection(configuration: configuration, endpoint: endpoint)
                delay = configuration.options.reconnectInitialDelay
                failures = 0
                return connection
            } catch {
                lastError = error
                next += 1
            }
        }
        throw lastError ?? AMQPError(code: .connectionFailed, operation: "connect")
    }

    /// Rounds failed in a row; the first of a streak and every fiftieth are worth a warning,
    /// the rest would only fill the log while the broker is down.
    private(set) var failures = 0
    var failureIsWorthAWarning: Bool { failures == 1 || failures % 50 == 0 }

    /// After a round that failed: how long to wait before the next, doubling each time.
    mutating func backOff() -> Duration {
        failures += 1
        defer { delay = min(delay * 2, configuration.options.reconnectMaximumDelay) }
        return delay
    }

    /// The connection in use went away: start the next round with the following endpoint.
    mutating func lost() {
        next += 1
    }
}

/// Where a client's connection stands, for readiness reports.
public enum AMQPLinkStatus: Sendable, Equatable, CustomStringConvertible {
    case connecting(lastError: String?)
    case connected
    /// Connected, but the broker has stopped reading what this client publishes.
    case blocked(reason: String)
    case stopped

    public var isConnected: Bool {
        switch self {
        case .connected, .blocked: true
        case .connecting, .stopped: false
        }
    }

    public var description: String {
        switch self {
        case .connecting(let error): error.map { "down: \($0)" } ?? "connecting"
        case .connected: "up"
        case .blocked(let reason): "blocked: \(reason)"
        case .stopped: "stopped"
        }
    }
}

/// Runs `body` on a new thread and returns when it has finished, without blocking the
/// cooperative pool while it runs.
func runOnOwnThread(name: String, _ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let thread = Thread {
            body()
            continuation.resume()
        }
        thread.name = name
        thread.start()
    }
}

/// A broker client's worker, as `runOwned` drives it: the one owner of one connection.
protocol ConnectionOwner: AnyObject, Sendable {
    /// False once a run has begun: a worker runs once.
    func claimRun() -> Bool
    /// The connection's whole life, on its own thread.
    func run()
    /// Graceful shutdown: finish what is in hand (pending acks, confirms), take nothing new.
    func wrapUp()
    /// Cancellation: stop now.
    func abort()
}

/// A client's `Service.run()`: the worker on a thread of its own until it ends. Graceful
/// shutdown lets it wrap up; cancelling the task aborts it.
func runOwned(_ worker: some ConnectionOwner, threadName: String) async throws {
    guard worker.claimRun() else { throw AMQPError(code: .shutDown, operation: "run", detail: "already running") }
    await withTaskCancellationHandler {
        await withGracefulShutdownHandler {
            await runOnOwnThread(name: threadName) { worker.run() }
        } onGracefulShutdown: {
            worker.wrapUp()
        }
    } onCancel: {
        worker.abort()
    }
}
