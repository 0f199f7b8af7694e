import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The SMS gateway's inbound messages: a digit 1–5 answers the customer's newest open survey
/// for that phone number. Called by the gateway with an integrator's token, whose own rate limit
/// applies (one gateway sends every customer's replies, so a per-address limit would not do).
enum InboundSMSRoutes {
    struct Inbound: Decodable, Sendable {
        var from: String
        var text: String
    }

    struct Reply: Encodable, Sendable {
        /// `answered`, `already_answered`, `expired`, `no_open_survey`, `not_a_score`.
        let outcome: String
        let ticketNumber: String?

        enum CodingKeys: String, CodingKey {
            case outcome
            case ticketNumber = "ticket_number"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.post("/v1/inbound/sms") { request, context -> Response in
            try context.require(.ticketsWrite)
            let inbound = try await request.decodeJSON(Inbound.self)
            let phone = ContactNormalizer.phone(inbound.from)
            guard phone.filter(\.isNumber).count >= 6 else { throw Problem.invalid([FieldError(field: "/from", message: "must be a phone number")]) }
            // "5", "５", " 5 分" all count; anything else is not a score.
            let digits = inbound.text.compactMap { $0.wholeNumberValue }
            guard digits.count == 1, let score = digits.first, (1...5).contains(score) else {
                return try Response.json(Reply(outcome: "not_a_score", ticketNumber: nil))
            }
            let reply = try await runtime.transaction { work -> Reply in
                guard let survey = try work.query("""
                    SELECT id, ticket_number FROM survey.surveys WHERE phone = $1 AND status = 'sent' AND expires_at > now()
                    ORDER BY created_at DESC LIMIT 1
                    """, [phone]).first else { return Reply(outcome: "no_open_survey", ticketNumber: nil) }
                let id: UUID = try survey.require("id")
                let outcome = try SurveyAnswer(csat: score, nps: nil, comment: nil, channel: "sms")
                    .record(where: "id = $1", id, in: work)
                let number: String = try survey.require("ticket_number")
                switch outcome {
                case .recorded: return Reply(outcome: "answered", ticketNumber: number)
                case .alreadyAnswered: return Reply(outcome: "already_answered", ticketNumber: number)
                case .expired: return Reply(outcome: "expired", ticketNumber: number)
                case .notFound: return Reply(outcome: "no_open_survey", ticketNumber: nil)
                }
            }
            return try Response.json(reply)
        }
    }
}
