import Foundation
import KefuServiceKit
import KefuStorage
import Synchronization

/// This replica's search index over every article, kept current from the database.
///
/// Searches read the current `SearchIndex` snapshot without waiting; `refresh` reads what changed
/// since it last looked and swaps in a new snapshot. What changed is found by transaction: rows
/// whose `change_xid` is at or above the oldest transaction that was still running at the last
/// look, so a change that committed late is never missed (docs/knowledge.md, "Search").
final class ArticleIndex: Sendable {
    private struct State {
        var documents: [String: [IndexedDocument]] = [:]
        var watermark = "0"
        var loaded = false
    }

    private let current = Mutex(SearchIndex(documents: []))
    private let state = Mutex(State())
    /// One refresh at a time; a refresh asked for while one runs waits for it, then runs.
    private let refreshing = AsyncSerialiser()
    let options: SearchIndex.Options

    init(options: SearchIndex.Options = .init()) {
        self.options = options
    }

    var snapshot: SearchIndex { current.withLock { $0 } }
    var isLoaded: Bool { state.withLock { $0.loaded } }

    func search(_ query: String, filter: SearchFilter, limit: Int) -> [SearchHit] {
        snapshot.search(query, filter: filter, limit: limit)
    }

    /// Reads the changes since the last refresh; returns how many articles changed.
    @discardableResult
    func refresh(with pool: PostgresPool) async throws -> Int {
        try await refreshing.run {
            let watermark = self.state.withLock { $0.watermark }
            let (rows, next) = try await pool.withConnection { connection in
                // The horizon first: everything below it has committed or never will.
                let next = try connection.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin").first!
                    .require("xmin", as: String.self)
                let rows = try connection.query("""
                    SELECT \(ArticleStore.columns), deleted_at IS NOT NULL AS deleted, helpful + used + solved AS positive,
                           unhelpful AS negative
                    FROM knowledge.articles WHERE change_xid >= $1::xid8
                    """, [watermark]).map { row in
                    (article: try Article(row), deleted: try row.require("deleted", as: Bool.self),
                     positive: try row.require("positive", as: Int.self), negative: try row.require("negative", as: Int.self))
                }
                return (rows, next)
            }
            let changed = self.state.withLock { state -> Bool in
                var changed = !state.loaded
                for row in rows {
                    let documents = row.deleted ? [] : row.article.documents(
                        boost: Article.boost(positive: row.positive, negative: row.negative))
                    if state.documents[row.article.id] != documents {
                        state.documents[row.article.id] = documents.isEmpty ? nil : documents
                        changed = true
                    }
                }
                state.watermark = next
                state.loaded = true
                return changed
            }
            if changed {
                let all = self.state.withLock { $0.documents.values.flatMap { $0 } }
                let index = SearchIndex(documents: all, options: self.options)
                self.current.withLock { $0 = index }
            }
            return rows.count
        }
    }
}

/// Runs async bodies one after another.
actor AsyncSerialiser {
    private var tail: Task<Void, Never>?

    func run<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let previous = tail
        let task = Task { () async throws -> Result in
            await previous?.value
            return try await body()
        }
        tail = Task { _ = try? await task.value }
        return try await task.value
    }
}
