import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The customer archive (客户档案): look-ups, changes, products, export and erasure.
extension IntakeRoutes {
    struct CustomerPatch: Decodable, Sendable {
        var name: String?
        var tier: String?
        /// Each list given replaces the customer's contact points of that kind.
        var phones: [String]?
        var emails: [String]?
        var externalIDs: [String]?
        /// Replaces the customer's preferences as a whole.
        var preferences: ContactPreferences?

        enum CodingKeys: String, CodingKey {
            case name, tier, phones, emails, preferences
            case externalIDs = "external_ids"
        }
    }

    struct ProductInput: Decodable, Sendable {
        var model: String?
        var serial: String?
        var deliveredOn: String?

        enum CodingKeys: String, CodingKey {
            case model, serial
            case deliveredOn = "delivered_on"
        }
    }

    struct CustomerExport: Codable, Sendable {
        let customer: CustomerView
        let tickets: [TicketView]
        let exportedAt: Date

        enum CodingKeys: String, CodingKey {
            case customer, tickets
            case exportedAt = "exported_at"
        }
    }

    static func addCustomers(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/customers/{id}") { _, context -> Response in
            try context.require(.customersRead)
            let id = try customerID(context)
            guard let customer = try await runtime.read({ try CustomerView.load(id, on: $0) }) else {
                throw Problem.notFound("customer \(id)")
            }
            return try Response.json(customer)
        }

        router.get("/v1/customers") { request, context -> Response in
            try context.require(.customersRead)
            let parameters = request.uri.queryParameters
            let given = [("phone", parameters.get("phone").map(ContactNormalizer.phone)),
                         ("email", parameters.get("email").map(ContactNormalizer.email)),
                         ("external_id", parameters.get("external_id"))].filter { $0.1?.isEmpty == false }
            guard given.count == 1, let (kind, value) = given.first, let value else {
                throw Problem.invalid([FieldError(field: "phone", message: "give exactly one of phone, email or external_id")])
            }
            guard let customer = try await runtime.read({ connection -> CustomerView? in
                guard let id = try CustomerView.find(kind: kind, value: value, on: connection) else { return nil }
                return try CustomerView.load(id, on: connection)
            }) else { throw Problem.notFound("a customer with this \(kind)") }
            return try Response.json(customer)
        }

        router.patch("/v1/customers/{id}") { request, context -> Response in
            try context.require(.customersAdmin)
            let id = try customerID(context)
            let patch = try await request.decodeJSON(CustomerPatch.self)
            let contacts = try validate(patch)
            let customer = try await runtime.transaction { work -> CustomerView in
                try CustomerArchive.update(id, name: patch.name, tier: patch.tier, preferences: patch.preferences,
                                           contacts: contacts, in: work)
            }
            return try Response.json(customer)
        }

        router.post("/v1/customers/{id}/products") { request, context -> Response in
            try context.require(.customersAdmin)
            let id = try customerID(context)
            let input = try await request.decodeJSON(ProductInput.self)
            let product = Submission.Product(model: input.model, serial: input.serial, deliveredOn: input.deliveredOn)
            var errors: [FieldError] = []
            if (input.model ?? "").isEmpty && (input.serial ?? "").isEmpty {
                errors.append(FieldError(field: "/model", message: "a product needs a model or a serial number"))
            }
            if let date = input.deliveredOn, !Submission.isCalendarDate(date) {
                errors.append(FieldError(field: "/delivered_on", message: "must be a date, YYYY-MM-DD"))
            }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            let customer = try await runtime.transaction { work -> CustomerView? in
                guard try CustomerArchive.exists(id, in: work) else { return nil }
                try CustomerStore.registerProducts([(id, product)], in: work)
                return try CustomerView.load(id, on: work.connection)
            }
            guard let customer else { throw Problem.notFound("customer \(id)") }
            return try Response.json(customer, status: .created)
        }

        router.get("/v1/customers/{id}/export") { _, context -> Response in
            try context.require(.customersAdmin)
            let id = try customerID(context)
            guard let export = try await runtime.read({ connection -> CustomerExport? in
                guard let customer = try CustomerView.load(id, on: connection) else { return nil }
                let numbers = try connection.query("SELECT number FROM intake.tickets WHERE customer_id = $1 ORDER BY created_at",
                                                   [id]).map { try $0.require("number", as: String.self) }
                return CustomerExport(customer: customer, tickets: try numbers.compactMap { try TicketView.load($0, on: connection) },
                                      exportedAt: Date())
            }) else { throw Problem.notFound("customer \(id)") }
            var response = try Response.json(export)
            response.headers[.contentDisposition] = "attachment; filename=\"customer-\(id.uuidString.lowercased()).json\""
            return response
        }

        router.post("/v1/customers/{id}/erase") { _, context -> Response in
            try context.require(.customersAdmin)
            let id = try customerID(context)
            guard let customer = try await runtime.transaction({ work in try CustomerArchive.erase(id, in: work) }) else {
                throw Problem.notFound("customer \(id)")
            }
            return try Response.json(customer)
        }
    }

    private static func customerID(_ context: KefuRequestContext) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("customer \(text)") }
        return id
    }

    /// The normalised contact points a patch sets, per kind; 422 naming every bad one.
    private static func validate(_ patch: CustomerPatch) throws -> [String: [String]] {
        var errors: [FieldError] = []
        if let tier = patch.tier, Submission.Tier(rawValue: tier) == nil {
            errors.append(FieldError(field: "/tier", message: "must be one of standard, vip, key"))
        }
        errors += patch.preferences?.problems(at: "/preferences") ?? []
        if let name = patch.name, name.count > 200 { errors.append(FieldError(field: "/name", message: "is longer than 200 characters")) }
        var contacts: [String: [String]] = [:]
        if let phones = patch.phones {
            for (index, phone) in phones.enumerated() where phone.filter(\.isNumber).count < 5 {
                errors.append(FieldError(field: "/phones/\(index)", message: "must contain a telephone number"))
            }
            contacts["phone"] = phones.map(ContactNormalizer.phone)
        }
        if let emails = patch.emails {
            for (index, email) in emails.enumerated() where !Submission.looksLikeEmail(email) {
                errors.append(FieldError(field: "/emails/\(index)", message: "must be an email address"))
            }
            contacts["email"] = emails.map(ContactNormalizer.email)
        }
        if let ids = patch.externalIDs {
            for (index, id) in ids.enumerated() where id.isEmpty || id.count > 200 {
                errors.append(FieldError(field: "/external_ids/\(index)", message: "must be 1 to 200 characters"))
            }
            contacts["external_id"] = ids
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return contacts
    }
}
