import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Templates per event, channel and language: read, edit, revert and preview for a ticket.
enum TemplateRoutes {
    struct PreviewInput: Decodable, Sendable {
        var ticketNumber: String
        /// An unsaved edit to try; without it the template in force.
        var template: Template?
        /// Values the event would bring, e.g. `reply_text`.
        var values: [String: String]?

        enum CodingKeys: String, CodingKey {
            case template, values
            case ticketNumber = "ticket_number"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/templates") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { try TemplateStore.all(on: $0) })
        }

        router.get("/v1/templates/{event}/{channel}/{language}") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let key = try templateKey(context)
            guard let entry = try await runtime.read({ try TemplateStore.entry(key, on: $0) }) else {
                throw Problem.notFound("template \(key)")
            }
            return try Response.json(entry)
        }

        router.put("/v1/templates/{event}/{channel}/{language}") { request, context -> Response in
            try context.require(.admin)
            let key = try templateKey(context)
            let template = try await request.decodeJSON(Template.self)
            try validate(template, for: key)
            let entry = try await runtime.read { connection in
                try TemplateStore.save(template, for: key, on: connection)
                return try TemplateStore.entry(key, on: connection)
            }
            return try Response.json(entry)
        }

        router.delete("/v1/templates/{event}/{channel}/{language}") { _, context -> Response in
            try context.require(.admin)
            let key = try templateKey(context)
            guard try await runtime.read({ try TemplateStore.revert(key, on: $0) }) else {
                throw Problem.notFound("an edit of template \(key)")
            }
            return Response(status: .noContent)
        }

        router.post("/v1/templates/{event}/{channel}/{language}/preview") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let key = try templateKey(context)
            let input = try await request.decodeJSON(PreviewInput.self)
            if let template = input.template { try validate(template, for: key) }
            let rendered = try await runtime.read { connection -> Template.Rendered? in
                guard let copy = try TicketCopy.load(input.ticketNumber, on: connection),
                      let template = try input.template ?? TemplateStore.template(key, on: connection) else { return nil }
                var values = copy.notice(key.event, eventID: "preview").values
                values["ticket_number"] = copy.number
                values["customer_name"] = try Recipient.customer(copy.customerID, on: connection)?.name ?? ""
                values.merge(input.values ?? [:]) { _, given in given }
                return template.render(values)
            }
            guard let rendered else { throw Problem.notFound("ticket \(input.ticketNumber)") }
            return try Response.json(rendered)
        }
    }

    private static func templateKey(_ context: KefuRequestContext) throws -> TemplateKey {
        let key = TemplateKey(event: try context.parameters.require("event"), channel: try context.parameters.require("channel"),
                              language: try context.parameters.require("language"))
        var errors: [FieldError] = []
        if !TemplateKey.events.contains(key.event) {
            errors.append(FieldError(field: "event", message: "must be one of \(TemplateKey.events.joined(separator: ", "))"))
        }
        if !TemplateKey.channels.contains(key.channel) {
            errors.append(FieldError(field: "channel", message: "must be email or sms"))
        }
        if !TemplateKey.languages.contains(key.language) {
            errors.append(FieldError(field: "language", message: "must be zh-CN or en"))
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return key
    }

    private static func validate(_ template: Template, for key: TemplateKey) throws {
        var errors: [FieldError] = []
        if template.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.append(FieldError(field: "/text", message: "must not be empty"))
        }
        if key.channel == "email", (template.subject ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(FieldError(field: "/subject", message: "an email template needs a subject"))
        }
        if key.channel == "sms", template.subject != nil || template.html != nil {
            errors.append(FieldError(field: key.channel == "sms" && template.subject != nil ? "/subject" : "/html",
                                     message: "an SMS template has text only"))
        }
        for (field, part) in [("subject", template.subject), ("text", template.text), ("html", template.html)] {
            guard let part else { continue }
            if part.count > 20_000 { errors.append(FieldError(field: "/\(field)", message: "is longer than 20000 characters")) }
            let unknown = Set(Template.placeholders(in: part)).subtracting(TemplateKey.placeholders).sorted()
            if !unknown.isEmpty {
                errors.append(FieldError(field: "/\(field)", message: "unknown placeholders: \(unknown.joined(separator: ", "))"))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
    }
}
