import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Training examples and model versions.
enum ModelRoutes {
    struct Added: Codable, Sendable {
        let added: Int
        /// Labels that were not in the taxonomy, added to it as categories by this upload.
        let newCategories: [String]

        enum CodingKeys: String, CodingKey {
            case added
            case newCategories = "new_categories"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, state: ClassifierState) {
        let refresher = ClassifierRefresher(state: state, runtime: runtime)

        // Agents teach as well as admins: they know what the tickets really were.
        router.post("/v1/training-examples") { request, context -> Response in
            try context.requireStaff(.agentsWork)
            let mediaType = request.headers[.contentType]?.split(separator: ";").first
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let mediaType, ["application/x-ndjson", "application/jsonl", "text/csv"].contains(mediaType) else {
                throw Problem(.unsupportedMediaType, title: "Unsupported media type",
                              detail: "send JSON lines (application/x-ndjson) or CSV (text/csv) with a text,label header")
            }
            let set = request.uri.queryParameters["set"].map(String.init) ?? ExampleSets.production
            guard ExampleSets.isName(set) else {
                throw Problem.invalid([FieldError(field: "set", message: "must be 1 to 64 lower-case letters, digits, . _ or -")])
            }
            let bytes = try await request.bodyBytes(limit: 32 << 20)
            switch TrainingExamplesParser.parse(bytes, mediaType: mediaType) {
            case .success(let examples):
                // A label is a category: one the taxonomy lacks is added to it, and the answer says so.
                let taxonomy = state.currentPolicy.categories
                let fresh = TrainingLabels.newCategories(for: examples, in: taxonomy)
                guard fresh.errors.isEmpty else { throw Problem.invalid(Array(fresh.errors.prefix(100))) }
                try await runtime.transaction { work in
                    for category in fresh.categories { try PolicyStore.save(category, in: work) }
                    try ModelStore.add(examples.map(\.example), source: "api", set: set, in: work)
                }
                return try Response.json(Added(added: examples.count, newCategories: fresh.categories.map(\.id)), status: .created)
            case .failure(let error):
                throw Problem.invalid(error.errors)
            }
        }

        // An empty body trains on the production set; `{"sets": [...]}` on the sets named.
        router.post("/v1/models") { request, context -> Response in
            try context.require(.admin)
            let sets = try await trainingSets(request)
            let version = try await ModelStore.train(runtime: runtime, trigger: .api,
                                                     activateWhenBetter: state.currentPolicy.settings.activateWhenBetter, sets: sets)
            try await refresher.refresh()
            return try Response.json(version, status: .created)
        }

        router.get("/v1/models") { _, context -> Response in
            try context.require(.admin)
            let versions = try await runtime.read { connection in
                try connection.query("SELECT \(ModelStore.Version.columns) FROM classification.models ORDER BY version DESC")
                    .map(ModelStore.Version.init)
            }
            let loaded = state.currentModel
            return try Response.json(versions.map {
                Listed(version: $0, residentBytes: $0.version == loaded?.version ? loaded?.model.residentBytes : nil)
            })
        }

        ExampleSetRoutes.add(to: router, runtime: runtime)

        // Activating an older version is a rollback; deactivating leaves the rules alone to decide.
        let changes: [(String, @Sendable (Int, UnitOfWork) throws -> ModelStore.Version?)] = [
            ("activate", ModelStore.activate), ("deactivate", ModelStore.deactivate),
        ]
        for (action, change) in changes {
            router.post("/v1/models/{version}/\(action)") { _, context -> Response in
                try context.require(.admin)
                let version = try context.parameters.require("version", as: Int.self)
                guard let changed = try await runtime.transaction({ work in try change(version, work) }) else {
                    throw Problem.notFound("model version \(version)")
                }
                try await refresher.refresh()
                return try Response.json(changed)
            }
        }
    }

    /// A version as listed: the one this replica has loaded says how much memory it takes.
    struct Listed: Encodable {
        let version: ModelStore.Version
        let residentBytes: Int?

        enum CodingKeys: String, CodingKey { case residentBytes = "resident_bytes" }

        func encode(to encoder: any Encoder) throws {
            try version.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(residentBytes, forKey: .residentBytes)
        }
    }

    struct TrainingRequest: Decodable {
        let sets: [String]?
    }

    static func trainingSets(_ request: Request) async throws -> [String] {
        let bytes = try await request.bodyBytes(limit: 64 * 1024)
        guard !bytes.isEmpty else { return [ExampleSets.production] }
        let sets = try Request.decodeJSON(TrainingRequest.self, from: bytes).sets ?? [ExampleSets.production]
        var errors = sets.enumerated().filter { !ExampleSets.isName($0.element) }
            .map { FieldError(field: "/sets/\($0.offset)", message: "must be an example set's name") }
        if !(1...50).contains(sets.count) { errors.append(FieldError(field: "/sets", message: "must name 1 to 50 sets")) }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return Array(Set(sets)).sorted()
    }
}
