import Foundation
import KefuContracts

extension TicketView {
    /// knowledge's suggestions for the ticket panel: public ones linked (with the customer's
    /// token, so that a link pasted into a reply lets the customer close the ticket with it),
    /// internal ones named only.
    static func suggestions(_ view: JSONValue?) -> [[String: Any]] {
        let used = Set((view?["used"]?.array ?? []).compactMap(\.string))
        return (view?["articles"]?.array ?? []).map { article in
            let id = article["id"]?.string ?? ""
            var row: [String: Any] = ["id": id, "title": article["title"]?.string ?? "",
                                      "score": String(format: "%.2f", article["score"]?.number ?? 0), "used": used.contains(id)]
            if let url = article["url"]?.string { row["url"] = url }
            return row
        }
    }

    /// The suggested articles a reply's text links to, by the article's id in its link.
    static func articlesUsed(in text: String, suggestions view: JSONValue?) -> [String] {
        (view?["articles"]?.array ?? []).compactMap { $0["id"]?.string }.filter { text.contains("/articles/\($0)") }
    }
}
