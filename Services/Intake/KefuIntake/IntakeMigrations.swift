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
    ]
}
