import KefuServiceKit
import KefuStorage

enum IntakeMigrations {
    static let all: [Migration] = [
        Migration(version: 100, name: "customers, tickets, submissions", sql: """
            CREATE SEQUENCE ticket_number_seq;
            CREATE TABLE customers (
                id uuid PRIMARY KEY,
                name text,
                tier text NOT NULL DEFAULT 'standard',
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            -- A contact point belongs to one customer; looking one up finds the customer.
            CREATE TABLE contact_points (
                kind text NOT NULL CHECK (kind IN ('phone', 'email', 'external_id')),
                value text NOT NULL,
                customer_id uuid NOT NULL REFERENCES customers (id),
                PRIMARY KEY (kind, value)
            );
            CREATE INDEX contact_points_customer ON contact_points (customer_id);
            CREATE TABLE tickets (
                number text PRIMARY KEY,
                customer_id uuid NOT NULL REFERENCES customers (id),
                submission_id text NOT NULL,
                channel text NOT NULL,
                subject text,
                body text NOT NULL,
                language text,
                product jsonb,
                attachments jsonb,
                metadata jsonb,
                status text NOT NULL DEFAULT 'new',
                status_changed_at timestamptz NOT NULL DEFAULT now(),
                category text,
                priority text,
                agent_id text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX tickets_customer ON tickets (customer_id);
            -- The idempotency key of the ingress contract.
            CREATE TABLE submissions (
                submission_id text PRIMARY KEY,
                ticket_number text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            -- Nothing is dropped: a refused submission keeps its raw bytes and the reasons.
            CREATE TABLE rejected_submissions (
                id bigserial PRIMARY KEY,
                submission_id text,
                source text NOT NULL,
                content_type text,
                raw bytea NOT NULL,
                reasons jsonb NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE ticket_timeline (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL,
                event_id text NOT NULL UNIQUE,
                event_type text NOT NULL,
                source text NOT NULL,
                status text,
                occurred_at timestamptz NOT NULL,
                data jsonb
            );
            CREATE INDEX ticket_timeline_ticket ON ticket_timeline (ticket_number, occurred_at);
            """),
        Migration(version: 101, name: "ticket messages, per-day ticket numbers, linked tickets", sql: """
            -- The last number handed out on each day, in KEFU_TICKET_TIME_ZONE. Taking numbers
            -- inside the ticket's own transaction means a rolled-back batch returns them unused,
            -- and two replicas queue on the day's row instead of racing.
            CREATE TABLE ticket_counters (
                day date PRIMARY KEY,
                last integer NOT NULL
            );
            -- A submission id is claimed before its ticket is known; the number follows in the
            -- same transaction.
            ALTER TABLE submissions ALTER COLUMN ticket_number DROP NOT NULL;
            CREATE INDEX submissions_ticket ON submissions (ticket_number);
            ALTER TABLE tickets ADD COLUMN linked_ticket text;
            CREATE INDEX tickets_created ON tickets (created_at, number);
            CREATE TABLE ticket_messages (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL REFERENCES tickets (number),
                submission_id text NOT NULL,
                channel text NOT NULL,
                subject text,
                body text NOT NULL,
                attachments jsonb,
                email_message_id text,
                raw_mail bytea,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_number, id);
            CREATE INDEX ticket_messages_email ON ticket_messages (email_message_id) WHERE email_message_id IS NOT NULL;
            INSERT INTO ticket_messages (ticket_number, submission_id, channel, subject, body, attachments, received_at)
            SELECT number, submission_id, channel, subject, body, attachments, created_at FROM tickets;
            """),
        Migration(version: 102, name: "submission ids per integrator, replays of refused submissions", sql: """
            -- Submission ids are unique per integrator: the token's subject over HTTP, the
            -- validated user_id over AMQP ('amqp' when the publisher sets none).
            ALTER TABLE submissions ADD COLUMN integrator text NOT NULL DEFAULT 'amqp';
            ALTER TABLE submissions DROP CONSTRAINT submissions_pkey;
            ALTER TABLE submissions ADD PRIMARY KEY (integrator, submission_id);
            CREATE INDEX submissions_received ON submissions (received_at);
            ALTER TABLE tickets ADD COLUMN integrator text NOT NULL DEFAULT 'amqp';
            CREATE INDEX tickets_integrator ON tickets (integrator, created_at);
            ALTER TABLE rejected_submissions ADD COLUMN integrator text;
            ALTER TABLE rejected_submissions ADD COLUMN replayed_at timestamptz;
            ALTER TABLE rejected_submissions ADD COLUMN replay_ticket_number text;
            """),
        Migration(version: 103, name: "customer products and erasure", sql: """
            -- Products a customer owns, from submissions and the API; one row per model and serial.
            CREATE TABLE products (
                id bigserial PRIMARY KEY,
                customer_id uuid NOT NULL REFERENCES customers (id),
                model text,
                serial text,
                delivered_on date,
                registered_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX products_identity ON products (customer_id, coalesce(model, ''), coalesce(serial, ''));
            ALTER TABLE customers ADD COLUMN erased_at timestamptz;
            """),
        Migration(version: 104, name: "contact preferences", sql: """
            -- Channel, language, opt-outs and quiet hours; notification keeps a copy.
            ALTER TABLE customers ADD COLUMN preferences jsonb;
            """),
    ]
}
