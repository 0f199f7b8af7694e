import Foundation
import KefuContracts

extension TicketQuery {
    /// `?q=`: what an agent types in the console's search box. A ticket number finds that ticket,
    /// a phone number or an e-mail address the customer's tickets, and anything else the tickets
    /// whose subject or messages contain it. Matching is by substring, so Chinese text needs no
    /// word splitting; docs/http-api.md says what it costs.
    struct Search: Sendable {
        /// `%text%` for ILIKE, with the pattern characters in the text escaped.
        let pattern: String
        let number: String
        let phone: String?
        let email: String?

        init?(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(trimmed.count) else { return nil }
            let escaped = trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            pattern = "%" + escaped + "%"
            number = trimmed.uppercased()
            let digits = trimmed.filter { $0.isNumber || $0 == "+" }
            phone = digits.count >= 5 && trimmed.allSatisfy({ $0.isNumber || " +-()".contains($0) })
                ? ContactNormalizer.phone(trimmed) : nil
            email = trimmed.contains("@") ? ContactNormalizer.email(trimmed) : nil
        }

        /// Parameters $12 to $15 of `TicketQuery.run`.
        static let condition = """
            (t.number = $13 OR t.subject ILIKE $12 OR t.body ILIKE $12
             OR EXISTS (SELECT 1 FROM intake.ticket_messages m WHERE m.ticket_number = t.number AND m.body ILIKE $12)
             OR t.customer_id IN (SELECT p.customer_id FROM intake.contact_points p
                                  WHERE (p.kind = 'phone' AND p.value = $14) OR (p.kind = 'email' AND p.value = $15)))
            """
    }
}
