import Foundation
import KefuStorage

/// Templates in force: an edit stored in `notification.templates`, else the built-in one.
enum TemplateStore {
    struct Entry: Encodable, Sendable {
        let event: String
        let channel: String
        let language: String
        let template: Template
        /// True when an edit overrides the built-in template.
        let edited: Bool
        let updatedAt: Date?

        enum CodingKeys: String, CodingKey {
            case event, channel, language, edited
            case subject, text, html
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(event, forKey: .event)
            try container.encode(channel, forKey: .channel)
            try container.encode(language, forKey: .language)
            try container.encodeIfPresent(template.subject, forKey: .subject)
            try container.encode(template.text, forKey: .text)
            try container.encodeIfPresent(template.html, forKey: .html)
            try container.encode(edited, forKey: .edited)
            try container.encodeIfPresent(updatedAt, forKey: .updatedAt)
        }
    }

    static func template(_ key: TemplateKey, on connection: PostgresConnection) throws -> Template? {
        try entry(key, on: connection)?.template
    }

    static func entry(_ key: TemplateKey, on connection: PostgresConnection) throws -> Entry? {
        if let row = try connection.query("""
            SELECT subject, text, html, updated_at FROM notification.templates WHERE event = $1 AND channel = $2 AND language = $3
            """, [key.event, key.channel, key.language]).first {
            return Entry(event: key.event, channel: key.channel, language: key.language,
                         template: Template(subject: try row.decode("subject"), text: try row.require("text"),
                                            html: try row.decode("html")),
                         edited: true, updatedAt: try row.require("updated_at"))
        }
        return BuiltInTemplates.template(for: key).map {
            Entry(event: key.event, channel: key.channel, language: key.language, template: $0, edited: false, updatedAt: nil)
        }
    }

    static func all(on connection: PostgresConnection) throws -> [Entry] {
        try BuiltInTemplates.keys.compactMap { try entry($0, on: connection) }
    }

    static func save(_ template: Template, for key: TemplateKey, on connection: PostgresConnection) throws {
        try connection.query("""
            INSERT INTO notification.templates (event, channel, language, subject, text, html, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, now())
            ON CONFLICT (event, channel, language) DO UPDATE SET subject = excluded.subject, text = excluded.text,
                html = excluded.html, updated_at = now()
            """, [key.event, key.channel, key.language, template.subject, template.text, template.html])
    }

    /// Drops the edit; returns false when there was none.
    static func revert(_ key: TemplateKey, on connection: PostgresConnection) throws -> Bool {
        try connection.query("DELETE FROM notification.templates WHERE event = $1 AND channel = $2 AND language = $3",
                             [key.event, key.channel, key.language]).affectedRows == 1
    }
}
