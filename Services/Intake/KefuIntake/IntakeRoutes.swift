import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// Intake's HTTP API: the same ingress contract as AMQP, raw inbound mail, and ticket look-ups.
enum IntakeRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, settings: IntakeSettings) {
        router.post("/v1/tickets") { request, context -> Response in
            let token = try context.require(.ticketsSubmit)
            let contentType = try request.requireContentType(["application/json"], hint: "send the submission as application/json")
            let raw = try await request.bodyBytes(limit: Submission.maximumBodyBytes + 16 * 1024)
            return try await submit(raw, contentType: contentType, source: "http", integrator: token.subject,
                                    runtime: runtime, settings: settings)
        }

        router.post("/v1/inbound/email") { request, context -> Response in
            let token = try context.require(.ticketsWrite)
            let contentType = try request.requireContentType(["message/rfc822"], hint: "post the raw message as message/rfc822")
            let raw = try await request.bodyBytes(limit: maximumMailBytes)
            return try await submit(raw, contentType: contentType, source: "http:email", integrator: token.subject,
                                    runtime: runtime, settings: settings)
        }

        router.get("/v1/tickets/{number}") { _, context -> Response in
            let integrator = try context.ownTicketsOnly()
            let number = try context.parameters.require("number")
            // Another integrator's ticket is as unknown as a missing one: its existence is not theirs to learn.
            guard let ticket = try await runtime.read({ try TicketView.load(number, integrator: integrator, on: $0) }) else {
                throw Problem.notFound("ticket \(number)")
            }
            return try Response.json(ticket)
        }

        router.get("/v1/tickets") { request, context -> Response in
            let integrator = try context.ownTicketsOnly()
            let query = try TicketQuery(request.uri.queryParameters, integrator: integrator)
            return try Response.json(try await runtime.read { try query.run(on: $0) })
        }
    }

    /// Raw mail carries attachments in base64, so it may be far larger than a JSON submission.
    static let maximumMailBytes = 25 * 1024 * 1024

    /// Validates and accepts, or keeps the refusal and answers with every problem.
    private static func submit(_ raw: [UInt8], contentType: String, source: String, integrator: String,
                               runtime: ServiceRuntime, settings: IntakeSettings) async throws -> Response {
        let validated = SubmissionDecoder.decode(raw, contentType: contentType, channel: nil, integrator: integrator,
                                                 settings: settings)
        if case .failure(let error) = validated {
            try await runtime.transaction { work in
                try TicketStore.reject(raw: raw, contentType: contentType, source: source, integrator: integrator,
                                       errors: error.errors, in: work)
            }
        }
        return try await answer(validated, runtime: runtime, settings: settings)
    }

    /// 201 with a new ticket; 200 with the ticket a repeat or a follow-up went to; 400 or 422
    /// naming every problem.
    static func answer(_ validated: Result<IncomingSubmission, ValidationError>, runtime: ServiceRuntime,
                       settings: IntakeSettings,
                       afterAccepting: (@Sendable (TicketStore.Accepted, UnitOfWork) throws -> Void)? = nil) async throws -> Response {
        switch validated {
        case .success(let incoming):
            let (ticket, accepted) = try await runtime.transaction { work -> (TicketView?, TicketStore.Accepted) in
                let accepted = try TicketStore.accept([incoming], settings: settings, in: work)[0]
                try afterAccepting?(accepted, work)
                return (try TicketView.load(accepted.ticketNumber, on: work.connection), accepted)
            }
            guard let ticket else { throw Problem.notFound("the ticket for this submission") }
            var response = try Response.json(ticket, status: accepted.outcome == .created ? .created : .ok)
            response.headers[.init("Kefu-Submission-Outcome")!] = accepted.outcome.rawValue
            return response
        case .failure(let error):
            // An error at the root means the body is not a submission at all: a malformed request.
            if error.errors.contains(where: { $0.field.isEmpty }) {
                throw Problem(.badRequest, title: "Malformed submission", detail: "see errors", errors: error.errors)
            }
            throw Problem.invalid(error.errors)
        }
    }
}

extension Request {
    /// The media type of the body, lower-cased and without parameters, if it is one of `accepted`.
    func requireContentType(_ accepted: Set<String>, hint: String) throws -> String {
        guard let contentType = SubmissionDecoder.mediaType(headers[.contentType]), accepted.contains(contentType) else {
            throw Problem(.unsupportedMediaType, title: "Unsupported media type", detail: hint)
        }
        return contentType
    }
}
