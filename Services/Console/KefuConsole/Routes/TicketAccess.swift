import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// Whether a person may see a ticket here. Intake and dispatch let any staff token read any
/// ticket (supervisors need that), so the console keeps agents to what their screens list: their
/// own tickets, their team's unassigned ones, and triage. Every ticket route asks this first, and
/// nothing of a ticket is shown when the answer is not known.
enum TicketAccess {
    enum Decision {
        case allowed(dispatch: JSONValue?)
        case notFound
        case notYours
        /// Dispatch did not answer, so whose the ticket is cannot be told.
        case unknown(String)
    }

    /// Ticket numbers as intake makes them (and tests' own), nothing that could change a path.
    static func isTicketNumber(_ text: String) -> Bool {
        text.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9-]{0,63}/) != nil
    }

    static func check(_ number: String, person: SignedIn, console: Console) async -> Decision {
        guard isTicketNumber(number) else { return .notFound }
        let dispatched = await console.client.get(.dispatch, "/v1/tickets/\(number)", as: person)
        switch dispatched {
        case .refused(404, _): return .notFound
        case .refused(403, _): return .notYours
        case .refused(_, let detail), .unavailable(let detail):
            // Supervisors may see every ticket: the page can render without dispatch's panels.
            return person.account.role.supervises ? .allowed(dispatch: nil) : .unknown(detail)
        case .ok(let ticket):
            if person.account.role.supervises { return .allowed(dispatch: ticket) }
            if let holder = ticket["agent_id"]?.string { return holder == person.account.subject ? .allowed(dispatch: ticket) : .notYours }
            if ticket["triage"]?.string == "pending" { return .allowed(dispatch: ticket) }
            let team = await EventRoutes.team(of: person, console: console)
            return team != nil && ticket["team_id"]?.string == team ? .allowed(dispatch: ticket) : .notYours
        }
    }

    /// The page for a refusal: not found, not yours, or that it cannot be told just now.
    static func refusal(_ decision: Decision, number: String, person: SignedIn, console: Console) -> Response? {
        let language = person.language
        switch decision {
        case .allowed: return nil
        case .notFound:
            return console.pages.page("message", title: number, language: language, person: person, page: "ticket",
                                      values: ["heading": number, "text": language.text(.notFound)], status: .notFound)
        case .notYours:
            return console.pages.page("not-yours", title: language.text(.notYours), language: language, person: person,
                                      page: "ticket", status: .forbidden)
        case .unknown(let reason):
            return console.pages.page("message", title: number, language: language, person: person, page: "ticket",
                                      values: ["heading": number, "text": language.text(.unavailable) + " (dispatch: \(reason))"],
                                      status: .serviceUnavailable)
        }
    }
}
