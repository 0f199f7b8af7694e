public import KefuStorage

/// Tables every service has in its own schema: the transactional outbox and the inbox of
/// processed message ids. They are the first migrations of every service.
public enum MessagingMigrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "outbox and inbox", sql: """
            CREATE TABLE outbox (
                id bigserial PRIMARY KEY,
                message_id text NOT NULL,
                exchange text NOT NULL,
                routing_key text NOT NULL,
                content_type text NOT NULL,
                message_type text,
                correlation_id text,
                headers jsonb,
                mandatory boolean NOT NULL DEFAULT false,
                body bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                published_at timestamptz,
                -- A mandatory message no queue took waits before its next try instead of
                -- holding up the rows behind it.
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX outbox_unpublished ON outbox (next_attempt_at, id) WHERE published_at IS NULL;
            CREATE TABLE inbox (
                message_id text PRIMARY KEY,
                queue text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        // The relay claims pending rows in id order. Keyed on next_attempt_at, the index did
        // not match that order, so the planner walked the primary key through every published
        // row kept for the retention period: 250 ms a claim after a day's traffic.
        Migration(version: 2, name: "outbox pending rows in id order", sql: """
            DROP INDEX IF EXISTS outbox_unpublished;
            CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (id) WHERE published_at IS NULL;
            """),
    ]

    /// Service migrations are numbered from 100 so that shared ones can be added below them.
    public static let firstServiceVersion = 100
}
