import Crypto
import Foundation
import KefuServiceKit
import KefuStorage

/// Sessions in the console's schema. The browser holds a random token; the table holds only its
/// SHA-256, with the session's CSRF token and when it was last used.
enum SessionStore {
    struct Opened: Sendable {
        let token: String
        let csrf: String
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func open(for staffID: UUID, address: String, in work: UnitOfWork) throws -> Opened {
        let opened = Opened(token: RandomToken.make(), csrf: RandomToken.make())
        try work.query("""
            INSERT INTO console.sessions (token_digest, staff_id, csrf_token, address) VALUES ($1, $2, $3, $4)
            """, [digest(opened.token), staffID, opened.csrf, address])
        return opened
    }

    /// The live session for `token`: nil when unknown, ended, idle for longer than `idle`, or its
    /// account disabled. When `used`, it counts as used now (written at most every 30 s, to spare
    /// the disk); the page's own background requests do not count, or no open page would idle.
    static func resume(_ token: String, idle: TimeInterval, used: Bool,
                       on connection: PostgresConnection) throws -> (StaffAccount, csrf: String)? {
        guard let row = try connection.query("""
            WITH used AS (
                UPDATE console.sessions SET last_seen_at = now()
                WHERE token_digest = $1 AND ended_at IS NULL AND last_seen_at > now() - make_interval(secs => $2)
                  AND last_seen_at < now() - interval '30 seconds' AND $3
                RETURNING token_digest)
            SELECT s.csrf_token, \(StaffAccount.columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM console.sessions s JOIN console.staff a ON a.id = s.staff_id
            WHERE s.token_digest = $1 AND s.ended_at IS NULL AND s.last_seen_at > now() - make_interval(secs => $2)
              AND a.disabled_at IS NULL
            """, [digest(token), idle, used]).first else { return nil }
        return (try StaffAccount(row), try row.require("csrf_token"))
    }

    static func isOpen(_ token: String, idle: TimeInterval, on connection: PostgresConnection) throws -> Bool {
        try connection.query("""
            SELECT 1 FROM console.sessions s JOIN console.staff a ON a.id = s.staff_id
            WHERE s.token_digest = $1 AND s.ended_at IS NULL AND s.last_seen_at > now() - make_interval(secs => $2)
              AND a.disabled_at IS NULL
            """, [digest(token), idle]).count > 0
    }

    static func end(_ token: String, in work: UnitOfWork) throws {
        try work.query("UPDATE console.sessions SET ended_at = now() WHERE token_digest = $1", [digest(token)])
    }

    /// A day after a session ended or went idle, nothing needs it.
    static func forgetOld(idle: TimeInterval, in work: UnitOfWork) throws {
        try work.query("""
            DELETE FROM console.sessions
            WHERE coalesce(ended_at, last_seen_at + make_interval(secs => $1)) < now() - interval '1 day'
            """, [idle])
    }

    /// Every session of an account ends: its password changed, or it was disabled.
    static func endAll(of staffID: UUID, except token: String? = nil, in work: UnitOfWork) throws {
        try work.query("""
            UPDATE console.sessions SET ended_at = now() WHERE staff_id = $1 AND ended_at IS NULL AND token_digest <> $2
            """, [staffID, token.map(digest) ?? ""])
    }
}
