import Foundation
import KefuContracts
import KefuStorage

/// Someone to tell: a customer from notification's copy of intake's archive, or a member of
/// staff from the staff directory.
struct Recipient: Sendable {
    enum Audience: String, Sendable {
        case customer, staff
    }

    let audience: Audience
    let id: String
    let name: String?
    let email: String?
    let phone: String?
    let preferences: ContactPreferences

    func address(on channel: String) -> String? {
        switch channel {
        case "email": email
        case "sms": phone
        default: nil
        }
    }

    static func customer(_ id: String, on connection: PostgresConnection) throws -> Recipient? {
        guard let row = try connection.query("""
            SELECT name, email, phone, language, preferences::text AS preferences FROM notification.contacts WHERE customer_id = $1
            """, [id]).first else { return nil }
        var preferences = try (row.decode("preferences") as String?).map {
            try KefuJSON.decode(ContactPreferences.self, from: Array($0.utf8))
        } ?? ContactPreferences()
        if preferences.language == nil { preferences.language = try row.decode("language") }
        return Recipient(audience: .customer, id: id, name: try row.decode("name"), email: try row.decode("email"),
                         phone: try row.decode("phone"), preferences: preferences)
    }

    static func staff(_ id: String, on connection: PostgresConnection) throws -> Recipient? {
        guard let row = try connection.query("""
            SELECT name, email, phone, language, channel FROM notification.staff WHERE id = $1
            """, [id]).first else { return nil }
        return Recipient(audience: .staff, id: id, name: try row.decode("name"), email: try row.decode("email"),
                         phone: try row.decode("phone"),
                         preferences: ContactPreferences(channel: try row.decode("channel"), language: try row.decode("language")))
    }
}
