public import Logging

/// One versioned schema change of a service.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies a service's migrations in order and records each in `<schema>.schema_migrations`.
///
/// Runs under an advisory lock so that replicas starting together apply each version once.
public struct Migrator: Sendable {
    public let schema: String
    public let migrations: [Migration]

    public init(schema: String, migrations: [Migration]) {
        // The schema name is spliced into SQL, so only plain identifiers are allowed.
        precondition(schema.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
                     && schema.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") },
                     "schema names are plain SQL identifiers")
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Returns the versions applied by this call.
    @discardableResult
    public func migrate(on pool: PostgresPool, logger: Logger) async throws -> [Int] {
        let schema = self.schema
        let migrations = self.migrations
        let applied = try await pool.withTransaction { connection -> [Int] in
            try connection.query("SELECT pg_advisory_xact_lock(hashtext($1))", ["kefu.migrate." + schema])
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let done = try Set(connection.query("SELECT version FROM \(schema).schema_migrations")
                .map { try $0.require("version", as: Int.self) })
            var applied = [Int]()
            for migration in migrations where !done.contains(migration.version) {
                try connection.execute("SET LOCAL search_path TO \(schema)")
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO \(schema).schema_migrations (version, name) VALUES ($1, $2)",
                    [migration.version, migration.name])
                applied.append(migration.version)
            }
            return applied
        }
        for version in applied {
            logger.info("applied migration", metadata: ["schema": "\(schema)", "version": "\(version)"])
        }
        return applied
    }
}
