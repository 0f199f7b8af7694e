import AsyncHTTPClient
import Foundation
import KefuContracts
import KefuServiceKit
import NIOCore
import NIOHTTP1

/// The help centre's contact form, submitted to intake's `POST /v1/tickets` as a web
/// submission, with a token of a minute that allows `tickets:submit` and nothing else.
struct ContactForm: Sendable {
    var name: String?
    var email: String?
    var phone: String?
    var subject: String?
    var body: String

    init(_ form: [String: String]) {
        func value(_ key: String) -> String? {
            let text = form[key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return text.isEmpty ? nil : text
        }
        name = value("name")
        email = value("email")
        phone = value("phone")
        subject = value("subject")
        body = value("body") ?? ""
    }

    /// The form fields at fault, each named once.
    var problems: [String] {
        var fields: [String] = []
        if body.isEmpty || body.count > 10_000 { fields.append("body") }
        if (subject?.count ?? 0) > 200 { fields.append("subject") }
        if (name?.count ?? 0) > 100 { fields.append("name") }
        if let email, email.wholeMatch(of: #/[^@\s]+@[^@\s]+\.[^@\s]+/#) == nil { fields.append("email") }
        if let phone, phone.filter(\.isNumber).count < 6 || phone.count > 40 { fields.append("phone") }
        if email == nil && phone == nil { fields.append("contact") }
        return fields
    }

    enum Outcome: Sendable {
        case created(ticketNumber: String)
        /// Intake refused it: the form fields its errors point at.
        case refused([String])
        case unavailable
    }

    struct Created: Decodable { let number: String }
    struct Refusal: Decodable { let errors: [FieldError]? }

    func submit(to intake: String, signer: TokenSigner, language: String) async -> Outcome {
        let submission = Submission(
            submissionID: "help-\(UUID().uuidString.lowercased())", channel: .web,
            customer: .init(name: name, phone: phone, email: email), subject: subject, body: body, language: language)
        do {
            let token = try signer.sign(AccessToken(subject: "kefu-help-centre", role: .integrator, scopes: [.ticketsSubmit],
                                                    lifetime: .seconds(60)))
            var request = HTTPClientRequest(url: "\(intake)/v1/tickets")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try KefuJSON.encode(submission)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            switch response.status.code {
            case 200, 201:
                return .created(ticketNumber: try KefuJSON.decode(Created.self, from: Array(bytes.readableBytesView)).number)
            case 400, 422:
                let refusal = try? KefuJSON.decode(Refusal.self, from: Array(bytes.readableBytesView))
                let fields = (refusal?.errors ?? []).compactMap { error -> String? in
                    let last = error.field.split(separator: "/").last.map(String.init)
                    return ["name", "email", "phone", "subject", "body"].contains(last ?? "") ? last : nil
                }
                return .refused(Array(Set(fields)).sorted())
            default:
                return .unavailable
            }
        } catch {
            return .unavailable
        }
    }
}
