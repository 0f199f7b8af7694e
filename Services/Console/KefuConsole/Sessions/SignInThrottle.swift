import Foundation
import KefuServiceKit
import KefuStorage

/// Repeated failed sign-ins, counted per account and per address over a sliding window, in the
/// database so that every replica counts the same. Past the limit, sign-in is refused without
/// checking the password until the window has passed.
enum SignInThrottle {
    /// How long until `username` from `address` may try again; nil when it may now.
    static func wait(username: String, address: String, limit: Int, window: TimeInterval,
                     on connection: PostgresConnection) throws -> TimeInterval? {
        guard let row = try connection.query("""
            SELECT count(*) FILTER (WHERE username = $1) AS by_account, count(*) FILTER (WHERE address = $2) AS by_address,
                   min(failed_at) FILTER (WHERE username = $1) AS first_by_account,
                   min(failed_at) FILTER (WHERE address = $2) AS first_by_address
            FROM console.sign_in_failures
            WHERE (username = $1 OR address = $2) AND failed_at > now() - make_interval(secs => $3)
            """, [username, address, window]).first else { return nil }
        let byAccount: Int = try row.require("by_account"), byAddress: Int = try row.require("by_address")
        // An address fails on behalf of many accounts (a shared office), so it gets more room.
        let oldest: Date?
        if byAccount >= limit {
            oldest = try row.decode("first_by_account")
        } else if byAddress >= limit * 4 {
            oldest = try row.decode("first_by_address")
        } else {
            return nil
        }
        return max(1, (oldest ?? Date()).addingTimeInterval(window).timeIntervalSinceNow)
    }

    /// Whether `username` may try now; if so, the attempt is recorded as a failure until it
    /// succeeds (`clear`). Attempts at one account take turns, so the count is always right.
    static func admit(username: String, address: String, limit: Int, window: TimeInterval, in work: UnitOfWork) throws -> Bool {
        try work.query("SELECT pg_advisory_xact_lock(hashtext('console.sign_in:' || $1))", [username])
        guard try wait(username: username, address: address, limit: limit, window: window, on: work.connection) == nil else {
            return false
        }
        try recordFailure(username: username, address: address, in: work)
        return true
    }

    static func recordFailure(username: String, address: String, in work: UnitOfWork) throws {
        try work.query("INSERT INTO console.sign_in_failures (username, address) VALUES ($1, $2)", [username, address])
    }

    static func clear(username: String, in work: UnitOfWork) throws {
        try work.query("DELETE FROM console.sign_in_failures WHERE username = $1", [username])
    }

    /// Older than any window counts.
    static func forgetOld(in work: UnitOfWork) throws {
        try work.query("DELETE FROM console.sign_in_failures WHERE failed_at < now() - interval '1 day'")
    }
}
