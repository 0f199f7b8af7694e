import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// Intake's HTTP API: the same ingress contract as AMQP, and ticket look-ups.
enum IntakeRoutes {
    static func add(to router: Router<BasicRequestContext>, runtime: ServiceRuntime) {
        router.post("/v1/tickets") { request, _ -> Response in
            let contentType = request.headers[.contentType]?.split(separator: ";").first
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard contentType == "application/json" else {
                throw Problem(.unsupportedMediaType, title: "Unsupported media type",
                              detail: "send the submission as application/json")
            }
            let raw = try await request.bodyBytes(limit: Submission.maximumBodyBytes + 16 * 1024)
            switch Submission.validate(json: raw) {
            case .success(let submission):
                let (ticket, duplicate) = try await runtime.transaction { work -> (TicketView?, Bool) in
                    let accepted = try TicketStore.accept([submission], in: work)[0]
                    return (try TicketView.load(accepted.ticketNumber, on: work.connection), accepted.duplicate)
                }
                guard let ticket else { throw Problem.notFound("the ticket for this submission") }
                return try Response.json(ticket, status: duplicate ? .ok : .created)
            case .failure(let error):
                try await runtime.transaction { work in
                    try TicketStore.reject(raw: raw, contentType: contentType, source: "http", errors: error.errors,
                                           in: work)
                }
                // An error at the root means the body is not a submission at all: a malformed request.
                if error.errors.contains(where: { $0.field.isEmpty }) {
                    throw Problem(.badRequest, title: "Malformed submission", detail: "see errors", errors: error.errors)
                }
                throw Problem.invalid(error.errors)
            }
        }

        router.get("/v1/tickets/{number}") { _, context -> Response in
            let number = try context.parameters.require("number")
            guard let ticket = try await runtime.read({ try TicketView.load(number, on: $0) }) else {
                throw Problem.notFound("ticket \(number)")
            }
            return try Response.json(ticket)
        }
    }
}
