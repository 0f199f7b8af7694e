import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// One ticket: what the customer wrote and what agents answered, its timeline, why it got its
/// category and its agent, its clocks and its customer; the actions on it; and who else has it
/// open. Each panel comes from the service that owns it, so one that is down leaves a note in its
/// place and the rest of the page works.
enum TicketRoutes {
    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/tickets/{number}") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let number = try context.parameters.require("number")
            let notice = Flash.take(request)
            var response = try await page(number, person: person, console: console, notice: notice)
            if notice != nil { Flash.clear(on: &response) }
            return response
        }

        router.get("/tickets/{number}/conversation") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let number = try context.parameters.require("number")
            let access = await TicketAccess.check(number, person: person, console: console)
            if let refusal = TicketAccess.refusal(access, number: number, person: person, console: console) { return refusal }
            async let intake = console.client.get(.intake, "/v1/tickets/\(number)", as: person)
            async let notes = console.client.get(.dispatch, "/v1/tickets/\(number)/notes", as: person)
            let (ticket, written) = (await intake, await notes)
            let messages = TicketView.messages(intake: ticket.value, notes: written.value, language: person.language)
            return console.pages.fragment("conversation", language: person.language, values: [
                "messages": messages, "conversation_unavailable": [ticket, written].compactMap(QueueRoutes.unavailable).first as Any,
            ])
        }

        router.get("/tickets/{number}/presence") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let number = try context.parameters.require("number")
            guard case .allowed = await TicketAccess.check(number, person: person, console: console) else {
                return Response(status: .forbidden)
            }
            let others = try await console.runtime.read { try PresenceStore.others(on: number, than: person.account.id, on: $0) }
            return console.pages.fragment("presence", language: person.language, values: ["others": others.map(\.values)])
        }

        router.post("/tickets/{number}/presence") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let form = try await console.auth.checkForm(request, person)
            let number = try context.parameters.require("number")
            guard case .allowed = await TicketAccess.check(number, person: person, console: console) else {
                return Response(status: .forbidden)
            }
            let typing = form["typing"] == "true"
            let draft = form["draft"]
            try await console.runtime.transaction { work in
                try PresenceStore.mark(number, staffID: person.account.id, typing: typing, in: work)
                if let draft { try PresenceStore.saveDraft(draft, for: number, staffID: person.account.id, in: work) }
            }
            return Response(status: .noContent)
        }

        ActionRoutes.add(to: router, console: console)
    }

    /// The whole page, or "not yours" for an agent who does not hold the ticket.
    static func page(_ number: String, person: SignedIn, console: Console, notice: Flash.Message?) async throws -> Response {
        // Everything is asked for at once, while the access check runs: the page waits for the
        // slowest answer, not for their sum (docs/benchmarks.md). What a refused person's calls
        // brought back is never shown.
        async let checked = TicketAccess.check(number, person: person, console: console)
        async let intake = console.client.get(.intake, "/v1/tickets/\(number)", as: person)
        async let notes = console.client.get(.dispatch, "/v1/tickets/\(number)/notes", as: person)
        async let decision = console.client.get(.classification, "/v1/decisions/\(number)", as: person)
        async let assignments = console.client.get(.dispatch, "/v1/tickets/\(number)/assignments", as: person)
        async let clocks = console.client.get(.dispatch, "/v1/tickets/\(number)/clocks", as: person)
        async let suggestions = console.client.get(.knowledge, "/v1/tickets/\(number)/suggestions", as: person)
        let access = await checked
        if let refusal = TicketAccess.refusal(access, number: number, person: person, console: console) { return refusal }
        guard case .allowed(let dispatchedTicket) = access else { return Pages.plain(status: .forbidden, "") }
        let dispatched: ServiceClient.Answer = dispatchedTicket.map { .ok($0) } ?? .unavailable("dispatch")
        async let presence = PresenceStore.open(number, by: person.account.id, runtime: console.runtime)
        let ticket = await intake
        let customerID = ticket.value?["customer"]?["id"]?.string ?? ""
        let customer = customerID.isEmpty ? ServiceClient.Answer.unavailable("intake")
            : await console.client.get(.intake, "/v1/customers/\(customerID)", as: person)
        let (draft, others) = try await presence
        var view = TicketView(number: number, language: person.language)
        let written = await notes
        view.add(dispatch: dispatched.value, intake: ticket.value, notes: written.value)
        view.add(decision: await decision.value, assignments: await assignments.value, clocks: await clocks)
        view.add(customer: customer.value)
        var values = view.values
        values["draft"] = draft ?? ""
        values["others"] = others.map(\.values)
        values["unavailable"] = [dispatched, ticket].compactMap(QueueRoutes.unavailable).first as Any
        values["conversation_unavailable"] = [ticket, written].compactMap(QueueRoutes.unavailable).first as Any
        values["actions"] = TicketView.actions(status: dispatched.value?["status"]?.string, language: person.language,
                                               number: number, csrf: person.csrf)
        values["can_write"] = dispatched.value != nil
        values["suggestions"] = TicketView.suggestions(await suggestions.value)
        values["resolved"] = ["resolved", "closed"].contains(dispatched.value?["status"]?.string ?? "")
        if let notice {
            values["notice"] = notice.text
            values["notice_kind"] = notice.ok ? "ok" : "error"
        }
        return console.pages.page("ticket", title: number, language: person.language, person: person, page: "ticket",
                                  values: values)
    }
}
