import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Staff accounts in the console's schema.
enum StaffStore {
    static func account(id: UUID, on connection: PostgresConnection) throws -> StaffAccount? {
        try connection.query("SELECT \(StaffAccount.columns) FROM console.staff WHERE id = $1", [id]).first.map(StaffAccount.init)
    }

    /// The account and its password hash, for signing in.
    static func credentials(username: String, on connection: PostgresConnection) throws -> (StaffAccount, String)? {
        guard let row = try connection.query("""
            SELECT \(StaffAccount.columns), password_hash FROM console.staff WHERE username = $1
            """, [username]).first else { return nil }
        return (try StaffAccount(row), try row.require("password_hash"))
    }

    static func all(on connection: PostgresConnection) throws -> [StaffAccount] {
        try connection.query("SELECT \(StaffAccount.columns) FROM console.staff ORDER BY username").map(StaffAccount.init)
    }

    /// A new account; nil when the username is taken.
    static func create(_ account: StaffAccount, passwordHash: String, in work: UnitOfWork) throws -> StaffAccount? {
        try work.query("""
            INSERT INTO console.staff (id, username, display_name, role, agent_id, language, password_hash, must_change_password)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING
            RETURNING \(StaffAccount.columns)
            """, [account.id, account.username, account.displayName, account.role.rawValue, account.agentID, account.language,
                  passwordHash, account.mustChangePassword]).first.map(StaffAccount.init)
    }

    static func setPassword(_ id: UUID, hash: String, mustChange: Bool, in work: UnitOfWork) throws {
        try work.query("""
            UPDATE console.staff SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1
            """, [id, hash, mustChange])
    }

    static func setDisabled(_ id: UUID, _ disabled: Bool, in work: UnitOfWork) throws {
        try work.query("""
            UPDATE console.staff SET disabled_at = CASE WHEN $2 THEN now() END, updated_at = now() WHERE id = $1
            """, [id, disabled])
    }

    static func setRole(_ id: UUID, _ role: StaffAccount.Role, agentID: String?, in work: UnitOfWork) throws {
        try work.query("UPDATE console.staff SET role = $2, agent_id = $3, updated_at = now() WHERE id = $1",
                       [id, role.rawValue, agentID])
    }

    static func setLanguage(_ id: UUID, language: String?, in work: UnitOfWork) throws {
        try work.query("UPDATE console.staff SET language = $2, updated_at = now() WHERE id = $1", [id, language])
    }

    /// Usernames are short, plain and lower-case, so that nobody can look like somebody else.
    static func problems(username: String, displayName: String, password: String?) -> [FieldError] {
        var errors: [FieldError] = []
        if username.wholeMatch(of: /[a-z0-9][a-z0-9._-]{0,63}/) == nil {
            errors.append(FieldError(field: "username", message: "must be 1 to 64 lower-case letters, digits, '.', '_' or '-'"))
        }
        if displayName.trimmingCharacters(in: .whitespaces).isEmpty || displayName.count > 100 {
            errors.append(FieldError(field: "display_name", message: "must be 1 to 100 characters"))
        }
        if let password, password.count < 12 || password.count > 200 {
            errors.append(FieldError(field: "password", message: "must be 12 to 200 characters"))
        }
        return errors
    }
}
