import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Training examples and model versions in classification's schema.
enum ModelStore {
    struct Version: Codable, RowDecodable, Sendable {
        let version: Int
        let examples: Int
        let labels: Int
        let accuracy: Double
        let calibrationError: Double
        let active: Bool
        let trainedBy: String
        /// The example sets it learnt from.
        let exampleSets: [String]
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case version, examples, labels, accuracy, active
            case calibrationError = "calibration_error"
            case createdAt = "created_at"
            case trainedBy = "trained_by"
            case exampleSets = "example_sets"
        }

        static let columns = """
            version, examples, labels, accuracy, calibration_error, active, trained_by, example_sets::text AS example_sets, created_at
            """
    }

    static func add(_ examples: [TextModel.Example], source: String, set: String = ExampleSets.production,
                    in work: UnitOfWork) throws {
        guard !examples.isEmpty else { return }
        try work.query("""
            INSERT INTO classification.training_examples (text, label, source, set_name)
            SELECT t, l, $3, $4 FROM unnest($1::text[], $2::text[]) AS e(t, l)
            """, [examples.map(\.text), examples.map(\.label), source, set])
    }

    /// Why a model was trained.
    enum Trigger: String {
        case api, schedule
    }

    /// Trains on the examples of `sets` and stores the model. When `activateWhenBetter`, it becomes
    /// active if it beats the active one on its held-out examples, or, trained through the API, if
    /// none is active. Scheduled training never activates one where none is: an admin who took the
    /// model out of use is not overruled.
    static func train(runtime: ServiceRuntime, trigger: Trigger, activateWhenBetter: Bool,
                      sets: [String] = [ExampleSets.production]) async throws -> Version {
        let (examples, lastID) = try await runtime.read { connection in
            var lastID: Int64 = 0
            let examples = try connection.query("""
                SELECT id, text, label FROM classification.training_examples WHERE set_name = ANY($1::text[]) ORDER BY id
                """, [sets]).map {
                lastID = try $0.require("id")
                return TextModel.Example(text: try $0.require("text"), label: try $0.require("label"))
            }
            return (examples, lastID)
        }
        guard Set(examples.map(\.label).filter { $0 != TextModel.outOfScopeLabel }).count >= 2 else {
            throw Problem(.conflict, title: "Not enough to learn from",
                          detail: "training needs examples of at least two categories in the sets chosen")
        }
        let (model, body) = try await offPool { () throws -> (TextModel, Data) in
            let model = TextModel.train(examples)
            let body = Data(try model.encoded())
            FreedMemory.giveBack()  // training's scratch, many times the model's size
            return (model, body)
        }
        return try await runtime.transaction { work in
            let active = try work.query("SELECT accuracy FROM classification.models WHERE active FOR UPDATE").first
            let activeAccuracy = try active?.require("accuracy", as: Double.self)
            let activate = activateWhenBetter && (activeAccuracy.map { model.heldOut.accuracy > $0 } ?? (trigger == .api))
            if activate { try work.query("UPDATE classification.models SET active = false WHERE active") }
            let version = try Version(work.query("""
                INSERT INTO classification.models
                    (examples, labels, accuracy, calibration_error, active, activated_at, last_example_id, trained_by, example_sets)
                VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 THEN now() END, $6, $7, $8::jsonb)
                RETURNING \(Version.columns)
                """, [examples.count, model.labels.count, model.heldOut.accuracy.isNaN ? 0 : model.heldOut.accuracy,
                      model.heldOut.calibrationError.isNaN ? 0 : model.heldOut.calibrationError, activate,
                      lastID, trigger.rawValue, String(decoding: try KefuJSON.encode(sets.sorted()), as: UTF8.self)]).first!)
            for (part, start) in stride(from: 0, to: body.count, by: partBytes).enumerated() {
                try work.query("INSERT INTO classification.model_parts (version, part, bytes) VALUES ($1, $2, $3)",
                               [version.version, part, body.subdata(in: start..<min(body.count, start + partBytes))])
            }
            return version
        }
    }

    /// A stored model travels in parts of this size (migration 105 says why).
    static let partBytes = 4 << 20

    /// Whether production examples arrived since the newest model was trained.
    static func hasNewExamples(on connection: PostgresConnection) throws -> Bool {
        try connection.query("""
            SELECT (SELECT coalesce(max(id), 0) FROM classification.training_examples WHERE set_name = 'production')
                 > (SELECT coalesce(max(last_example_id), 0) FROM classification.models
                    WHERE example_sets = '["production"]'::jsonb) AS newer
            """).first?.require("newer") ?? false
    }

    static func activate(_ version: Int, in work: UnitOfWork) throws -> Version? {
        guard try work.query("SELECT 1 FROM classification.models WHERE version = $1", [version]).count == 1 else { return nil }
        try work.query("UPDATE classification.models SET active = false WHERE active AND version <> $1", [version])
        return try work.query("""
            UPDATE classification.models SET active = true, activated_at = now() WHERE version = $1 RETURNING \(Version.columns)
            """, [version]).first.map(Version.init)
    }

    static func deactivate(_ version: Int, in work: UnitOfWork) throws -> Version? {
        try work.query("UPDATE classification.models SET active = false WHERE version = $1 RETURNING \(Version.columns)", [version])
            .first.map(Version.init)
    }

    static func load(version: Int, runtime: ServiceRuntime) async throws -> TextModel? {
        let body = try await runtime.read { connection -> [UInt8]? in
            let parts: Int = try connection.query("SELECT count(*) AS parts FROM classification.model_parts WHERE version = $1",
                                                  [version]).first?.require("parts") ?? 0
            var body: [UInt8] = []
            for part in 0..<parts {
                let bytes = try connection.query("SELECT bytes FROM classification.model_parts WHERE version = $1 AND part = $2",
                                                 [version, part]).first?.require("bytes", as: Data.self)
                // A gap is a broken model, which the refresher sets aside and reports.
                guard let bytes else { throw TextModel.EncodingError(description: "model part \(part) of \(parts) is missing") }
                body += bytes
            }
            return parts > 0 ? body : nil
        }
        guard let body else { return nil }
        return try await offPool { try TextModel(encoded: body) }
    }

    /// Training takes seconds and a stored model is tens of megabytes to read: such work runs on a
    /// dispatch thread, so HTTP and the consumers keep their cooperative threads.
    private static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try work() }) }
        }
    }
}
