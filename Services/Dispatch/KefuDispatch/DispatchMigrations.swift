import KefuStorage

enum DispatchMigrations {
    static let all: [Migration] = [
        Migration(version: 100, name: "agents, tickets, assignments", sql: """
            CREATE TABLE agents (
                id text PRIMARY KEY,
                name text NOT NULL,
                max_open integer NOT NULL DEFAULT 10 CHECK (max_open >= 0),
                daily_cap integer NOT NULL DEFAULT 50 CHECK (daily_cap >= 0),
                on_duty boolean NOT NULL DEFAULT true,
                open_count integer NOT NULL DEFAULT 0,
                assigned_today integer NOT NULL DEFAULT 0,
                assigned_day date,
                last_assigned_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE tickets (
                number text PRIMARY KEY,
                customer_id text NOT NULL,
                channel text NOT NULL,
                category text NOT NULL,
                priority text NOT NULL,
                sla_class text NOT NULL,
                complaint boolean NOT NULL,
                status text NOT NULL,
                agent_id text REFERENCES agents (id),
                classified_at timestamptz NOT NULL,
                queued_at timestamptz,
                assigned_at timestamptz,
                accepted_at timestamptz,
                resolved_at timestamptz,
                first_response_due_at timestamptz NOT NULL,
                resolution_due_at timestamptz NOT NULL
            );
            CREATE INDEX tickets_waiting ON tickets (priority, resolution_due_at, queued_at) WHERE status = 'queued';
            -- Every assignment with the reasons for it.
            CREATE TABLE assignments (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL REFERENCES tickets (number),
                agent_id text NOT NULL REFERENCES agents (id),
                assigned_at timestamptz NOT NULL DEFAULT now(),
                explanation jsonb NOT NULL
            );
            CREATE INDEX assignments_ticket ON assignments (ticket_number);
            """),
        Migration(version: 101, name: "triage flag and recategorisations", sql: """
            -- Set when classification's triage sent the ticket: decided by a person, or timed out
            -- with a best guess that an agent should check.
            ALTER TABLE tickets ADD COLUMN triage text;
            CREATE TABLE recategorisations (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL REFERENCES tickets (number),
                agent_id text NOT NULL,
                previous_category text NOT NULL,
                category text NOT NULL,
                reason text,
                at timestamptz NOT NULL
            );
            """),
    ]
}
