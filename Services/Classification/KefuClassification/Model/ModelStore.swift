import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Training examples and model versions in classification's schema.
enum ModelStore {
    struct Version: Codable, Sendable {
        let version: Int
        let examples: Int
        let labels: Int
        let accuracy: Double
        let calibrationError: Double
        let active: Bool
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case version, examples, labels, accuracy, active
            case calibrationError = "calibration_error"
            case createdAt = "created_at"
        }

        static let columns = "version, examples, labels, accuracy, calibration_error, active, created_at"

        init(_ row: PostgresRow) throws {
            version = try row.require("version")
            examples = try row.require("examples")
            labels = try row.require("labels")
            accuracy = try row.require("accuracy")
            calibrationError = try row.require("calibration_error")
            active = try row.require("active")
            createdAt = try row.require("created_at")
        }
    }

    static func add(_ examples: [TextModel.Example], source: String, in work: UnitOfWork) throws {
        guard !examples.isEmpty else { return }
        try work.query("""
            INSERT INTO classification.training_examples (text, label, source)
            SELECT t, l, $3 FROM unnest($1::text[], $2::text[]) AS e(t, l)
            """, [examples.map(\.text), examples.map(\.label), source])
    }

    /// Trains on every stored example and stores the model; it becomes active when there is none
    /// yet or when it beats the active one on its held-out examples.
    static func train(runtime: ServiceRuntime) async throws -> Version {
        let examples = try await runtime.read { connection in
            try connection.query("SELECT text, label FROM classification.training_examples ORDER BY id").map {
                TextModel.Example(text: try $0.require("text"), label: try $0.require("label"))
            }
        }
        guard Set(examples.map(\.label)).count >= 2 else {
            throw Problem(.conflict, title: "Not enough to learn from", detail: "training needs examples of at least two categories")
        }
        let (model, body) = try await offPool { () throws -> (TextModel, Data) in
            let model = TextModel.train(examples)
            return (model, Data(try model.encoded()))
        }
        return try await runtime.transaction { work in
            let active = try work.query("SELECT accuracy FROM classification.models WHERE active FOR UPDATE").first
            let better = try active.map { model.heldOut.accuracy > (try $0.require("accuracy", as: Double.self)) } ?? true
            if better { try work.query("UPDATE classification.models SET active = false WHERE active") }
            return try Version(work.query("""
                INSERT INTO classification.models (examples, labels, accuracy, calibration_error, active, activated_at, body)
                VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 THEN now() END, $6)
                RETURNING \(Version.columns)
                """, [examples.count, model.labels.count, model.heldOut.accuracy.isNaN ? 0 : model.heldOut.accuracy,
                      model.heldOut.calibrationError.isNaN ? 0 : model.heldOut.calibrationError, better, body]).first!)
        }
    }

    static func activate(_ version: Int, in work: UnitOfWork) throws -> Version? {
        guard try work.query("SELECT 1 FROM classification.models WHERE version = $1", [version]).count == 1 else { return nil }
        try work.query("UPDATE classification.models SET active = false WHERE active AND version <> $1", [version])
        return try work.query("""
            UPDATE classification.models SET active = true, activated_at = now() WHERE version = $1 RETURNING \(Version.columns)
            """, [version]).first.map(Version.init)
    }

    static func load(version: Int, runtime: ServiceRuntime) async throws -> TextModel? {
        let body = try await runtime.read { connection in
            try connection.query("SELECT body FROM classification.models WHERE version = $1", [version]).first?
                .require("body", as: Data.self)
        }
        guard let body else { return nil }
        return try await offPool { try TextModel(encoded: Array(body)) }
    }

    /// Training takes seconds and a stored model is tens of megabytes to read: such work runs on a
    /// dispatch thread, so HTTP and the consumers keep their cooperative threads.
    private static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try work() }) }
        }
    }
}
