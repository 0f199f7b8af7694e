import Foundation
import HTTPTypes
import Hummingbird
import KefuServiceKit
import NIOCore

/// The live stream, Server-Sent Events: every status event the person may see, as it happens.
/// A reconnecting browser sends `Last-Event-ID` and first gets what it missed, from the log.
/// The stream ends when its session does (signed out, idle, disabled): each heartbeat checks.
enum EventRoutes {
    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/events") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let resumeFrom = (request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0) }
                ?? request.uri.queryParameters.get("after").flatMap { Int64($0) }).flatMap { $0 > 0 ? $0 : nil }
            let feed = console.feed
            let team = await team(of: person, console: console)
            var headers = Pages.securityHeaders(contentType: "text/event-stream; charset=utf-8")
            headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                // Subscribed before the replay is read, so nothing falls between the two; and
                // here, in the body, so that however the stream ends it is unsubscribed.
                let (subscription, stream) = feed.subscribe()
                defer { feed.unsubscribe(subscription) }
                var sent = resumeFrom ?? feed.newestID
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                // What came while the browser was away, then everything new.
                while true {
                    let missed = try await feed.events(after: sent, limit: 1000)
                    for event in missed where event.isVisible(to: person.account, team: team) {
                        try await writer.write(ByteBuffer(string: event.frame))
                    }
                    sent = missed.last?.id ?? sent
                    if missed.count < 1000 { break }
                }
                for await event in stream {
                    guard let event else {
                        guard try await console.auth.isStillOpen(person) else { break }
                        try await writer.write(ByteBuffer(string: ": still here\n\n"))
                        continue
                    }
                    guard event.id > sent else { continue }
                    sent = event.id
                    if event.isVisible(to: person.account, team: team) {
                        try await writer.write(ByteBuffer(string: event.frame))
                    }
                }
                try await writer.finish(nil)
            })
        }
    }

    /// The agent's team, from dispatch, for their team queue's events; nil for supervisors (who
    /// see everything) and when dispatch does not answer (they then see their own tickets').
    static func team(of person: SignedIn, console: Console) async -> String? {
        guard !person.account.role.supervises, let agent = person.account.agentID else { return nil }
        let encoded = agent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? agent
        return await console.client.get(.dispatch, "/v1/agents/\(encoded)", as: person).value?["team_id"]?.string
    }
}
