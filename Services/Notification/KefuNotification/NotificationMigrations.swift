import KefuStorage

enum NotificationMigrations {
    static let all: [Migration] = [
        Migration(version: 100, name: "contacts and deliveries", sql: """
            -- notification's own copy of how to reach each customer, from intake's messages.
            CREATE TABLE contacts (
                customer_id text PRIMARY KEY,
                name text,
                phone text,
                email text,
                language text,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE deliveries (
                id uuid PRIMARY KEY,
                -- event id + recipient + channel: a redelivered event never sends twice.
                idempotency_key text NOT NULL UNIQUE,
                ticket_number text NOT NULL,
                purpose text NOT NULL,
                channel text NOT NULL,
                recipient text NOT NULL,
                status text NOT NULL,
                provider text NOT NULL,
                provider_response text,
                created_at timestamptz NOT NULL DEFAULT now(),
                sent_at timestamptz
            );
            CREATE INDEX deliveries_ticket ON deliveries (ticket_number, created_at);
            """),
        Migration(version: 101, name: "channels, templates, preferences, retries, webhooks, staff", sql: """
            ALTER TABLE contacts ADD COLUMN preferences jsonb;
            -- What notification needs of each ticket to word its messages.
            CREATE TABLE tickets (
                number text PRIMARY KEY,
                customer_id text NOT NULL,
                channel text NOT NULL,
                language text,
                subject text,
                priority text,
                category text,
                created_at timestamptz NOT NULL
            );
            CREATE INDEX tickets_customer ON tickets (customer_id);
            -- A delivery is rendered when recorded, so every attempt sends the same message.
            ALTER TABLE deliveries
                ADD COLUMN ticket_channel text,
                ADD COLUMN audience text NOT NULL DEFAULT 'customer',
                ADD COLUMN subject text,
                ADD COLUMN body text,
                ADD COLUMN html text,
                ADD COLUMN message_id text,
                ADD COLUMN payload bytea,
                ADD COLUMN event_type text,
                ADD COLUMN subscription_id uuid,
                ADD COLUMN priority text,
                ADD COLUMN attempts int NOT NULL DEFAULT 0,
                ADD COLUMN attempts_allowed int NOT NULL DEFAULT 6,
                ADD COLUMN next_attempt_at timestamptz,
                ADD COLUMN lease_until timestamptz,
                ADD COLUMN held_until timestamptz,
                ADD COLUMN last_error text,
                ADD COLUMN failed_at timestamptz,
                ADD COLUMN parts_sent int NOT NULL DEFAULT 0;
            CREATE INDEX deliveries_due ON deliveries (channel, next_attempt_at) WHERE status IN ('pending', 'sending');
            CREATE TABLE delivery_attempts (
                delivery_id uuid NOT NULL REFERENCES deliveries (id),
                attempt int NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz NOT NULL,
                outcome text NOT NULL,
                detail text,
                PRIMARY KEY (delivery_id, attempt)
            );
            -- Edits of the built-in templates.
            CREATE TABLE templates (
                event text NOT NULL,
                channel text NOT NULL,
                language text NOT NULL,
                subject text,
                text text NOT NULL,
                html text,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (event, channel, language)
            );
            CREATE TABLE webhook_subscriptions (
                id uuid PRIMARY KEY,
                url text NOT NULL,
                secret text NOT NULL,
                event_types text[] NOT NULL,
                active boolean NOT NULL DEFAULT true,
                description text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            -- How to reach agents and supervisors, by their dispatch id.
            CREATE TABLE staff (
                id text PRIMARY KEY,
                name text,
                email text,
                phone text,
                language text,
                channel text,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 102, name: "acknowledgements that wait for the ticket's targets and language", sql: """
            -- The acknowledgement goes when dispatch has the ticket's first-response target
            -- (ticket.scheduled), or at ack_due_at without a promise if that is slow to come.
            ALTER TABLE tickets ADD COLUMN ack_due_at timestamptz, ADD COLUMN acknowledged_at timestamptz;
            CREATE INDEX tickets_ack_due ON tickets (ack_due_at) WHERE acknowledged_at IS NULL;
            CREATE TABLE ticket_schedules (
                ticket_number text PRIMARY KEY,
                language text NOT NULL,
                first_response_due_at timestamptz NOT NULL
            );
            """),
        Migration(version: 103, name: "customer messages that came before their ticket", sql: """
            -- A message for a ticket's customer (a reply, the survey's invitation) can come
            -- before notification has heard of the ticket: it waits here for ticket.created.
            CREATE TABLE parked_messages (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL,
                customer_id text NOT NULL,
                routing_key text NOT NULL,
                type text,
                message_id text,
                body bytea NOT NULL,
                parked_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX parked_messages_ticket ON parked_messages (ticket_number);
            CREATE INDEX parked_messages_customer ON parked_messages (customer_id);
            CREATE INDEX parked_messages_parked_at ON parked_messages (parked_at);
            """),
        Migration(version: 104, name: "a webhook's recent deliveries", sql: """
            CREATE INDEX deliveries_subscription ON deliveries (subscription_id, created_at DESC) WHERE subscription_id IS NOT NULL;
            """),
        Migration(version: 105, name: "articles suggested for the acknowledgement", sql: """
            -- knowledge's suggestions for a ticket (ticket.suggestions); the acknowledgement waits
            -- for them when KEFU_ACK_SUGGESTIONS names a channel.
            CREATE TABLE ticket_suggestions (
                ticket_number text PRIMARY KEY,
                articles jsonb NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            """),
    ]
}
