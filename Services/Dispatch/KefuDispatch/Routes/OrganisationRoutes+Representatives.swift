import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Dedicated representatives: one customer's agent, set one at a time or imported in bulk.
extension OrganisationRoutes {

    static func addRepresentatives(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        // Rows of customer_id and agent_id.
        router.post("/v1/representatives/import") { request, context -> Response in
            try context.require(.admin)
            let pairs = try representativePairs(try await importedObjects(request, listColumns: []))
            try await runtime.transaction { work in
                let unknown = try OrganisationStore.unknownAgents(pairs.map(\.agent), on: work.connection)
                guard unknown.isEmpty else {
                    throw Problem.invalid(unknown.map { FieldError(field: "/agent_id", message: "\($0) is not an agent") })
                }
                try OrganisationStore.saveRepresentatives(pairs, in: work)
            }
            return try Response.json(Imported(imported: pairs.count), status: .created)
        }

        router.get("/v1/representatives") { _, context -> Response in
            try context.require(.admin)
            return try Response.json(try await runtime.read { try OrganisationStore.representatives(on: $0) })
        }

        router.put("/v1/representatives/{customer}") { request, context -> Response in
            try context.require(.admin)
            let customer = try context.parameters.require("customer")
            let representative = try await request.decodeJSON(Representative.self)
            try await runtime.transaction { work in
                guard try OrganisationStore.agent(representative.agentID, on: work.connection) != nil else {
                    throw Problem.invalid([FieldError(field: "/agent_id", message: "is not an agent")])
                }
                try OrganisationStore.saveRepresentative(customer: customer, agent: representative.agentID, in: work)
            }
            return try Response.json(Representative(customerID: customer, agentID: representative.agentID))
        }

        router.delete("/v1/representatives/{customer}") { _, context -> Response in
            try context.require(.admin)
            let customer = try context.parameters.require("customer")
            guard try await runtime.transaction({ work in try OrganisationStore.deleteRepresentative(customer: customer, in: work) })
            else { throw Problem.notFound("representative for customer \(customer)") }
            return Response(status: .noContent)
        }
    }

    /// Each record's customer and agent, or a 422 naming every record that lacks one.
    static func representativePairs(_ objects: [[String: JSONValue]]) throws -> [(customer: String, agent: String)] {
        var errors: [FieldError] = []
        let pairs = objects.enumerated().compactMap { index, object -> (customer: String, agent: String)? in
            guard case .string(let customer)? = object["customer_id"], case .string(let agent)? = object["agent_id"] else {
                errors.append(FieldError(field: "/records/\(index)", message: "needs customer_id and agent_id"))
                return nil
            }
            return (customer, agent)
        }
        guard errors.isEmpty else { throw Problem.invalid(Array(errors.prefix(100))) }
        return pairs
    }
}
