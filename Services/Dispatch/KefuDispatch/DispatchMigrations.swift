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
        Migration(version: 102, name: "organisation: calendars, teams, skills, duty, field engineers, representatives", sql: """
            CREATE TABLE calendars (
                id text PRIMARY KEY,
                body jsonb NOT NULL
            );
            \(OrganisationStore.seedCalendars)
            CREATE TABLE teams (
                id text PRIMARY KEY,
                name text NOT NULL,
                level text NOT NULL CHECK (level IN ('headquarters', 'branch', 'station')),
                parent_id text REFERENCES teams (id),
                calendar_id text NOT NULL REFERENCES calendars (id),
                supervisor_id text,
                quick_response boolean NOT NULL DEFAULT false,
                partner boolean NOT NULL DEFAULT false,
                -- When set, replaces the setting of the same name for this team's agents.
                accept_timeout_seconds integer
            );
            INSERT INTO teams (id, name, level, calendar_id) VALUES ('hq', 'Headquarters', 'headquarters', 'standard');
            ALTER TABLE agents
                ADD COLUMN team_id text NOT NULL DEFAULT 'hq' REFERENCES teams (id),
                ADD COLUMN duty text NOT NULL DEFAULT 'on' CHECK (duty IN ('on', 'off', 'break')),
                -- {"categories": [...], "products": [...], "languages": [...]}; an empty or missing list means any.
                ADD COLUMN skills jsonb NOT NULL DEFAULT '{}',
                ADD COLUMN shift_calendar_id text REFERENCES calendars (id),
                ADD COLUMN field_engineer boolean NOT NULL DEFAULT false,
                ADD COLUMN latitude double precision,
                ADD COLUMN longitude double precision,
                ADD COLUMN service_radius_km double precision;
            UPDATE agents SET duty = CASE WHEN on_duty THEN 'on' ELSE 'off' END;
            ALTER TABLE agents DROP COLUMN on_duty;
            CREATE INDEX agents_available ON agents (team_id) WHERE duty = 'on';
            CREATE TABLE dedicated_representatives (
                customer_id text PRIMARY KEY,
                agent_id text NOT NULL REFERENCES agents (id)
            );
            ALTER TABLE tickets
                ADD COLUMN customer_tier text NOT NULL DEFAULT 'standard',
                ADD COLUMN language text,
                ADD COLUMN product_model text,
                ADD COLUMN site_latitude double precision,
                ADD COLUMN site_longitude double precision,
                ADD COLUMN team_id text,
                -- 0 station, 1 branch, 2 headquarters: only teams at or above it may take the ticket.
                ADD COLUMN level integer NOT NULL DEFAULT 0,
                ADD COLUMN accept_due_at timestamptz;
            CREATE INDEX tickets_accept_due ON tickets (accept_due_at) WHERE status = 'assigned';
            CREATE TABLE accept_misses (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL REFERENCES tickets (number),
                agent_id text NOT NULL REFERENCES agents (id),
                missed_at timestamptz NOT NULL
            );
            CREATE INDEX accept_misses_ticket ON accept_misses (ticket_number);
            CREATE TABLE settings (
                id integer PRIMARY KEY CHECK (id = 1),
                body jsonb NOT NULL
            );
            INSERT INTO settings VALUES (1, '{}');
            """),
        Migration(version: 103, name: "SLA policies and clocks, escalation", sql: """
            CREATE TABLE sla_policies (
                id serial PRIMARY KEY,
                body jsonb NOT NULL
            );
            \(SLAPolicy.seed)
            CREATE TABLE sla_clocks (
                ticket_number text NOT NULL REFERENCES tickets (number),
                target text NOT NULL CHECK (target IN ('first_response', 'resolution', 'on_site')),
                policy_id integer,
                target_seconds double precision NOT NULL,
                -- NULL: calendar time.
                calendar_id text REFERENCES calendars (id),
                consumed_seconds double precision NOT NULL DEFAULT 0,
                -- NULL while paused.
                running_since timestamptz,
                paused_at timestamptz,
                warn_at timestamptz,
                due_at timestamptz,
                warned_at timestamptz,
                breached_at timestamptz,
                stopped_at timestamptz,
                PRIMARY KEY (ticket_number, target)
            );
            CREATE INDEX sla_clocks_warn ON sla_clocks (warn_at)
                WHERE warned_at IS NULL AND stopped_at IS NULL AND running_since IS NOT NULL;
            CREATE INDEX sla_clocks_due ON sla_clocks (due_at)
                WHERE breached_at IS NULL AND stopped_at IS NULL AND running_since IS NOT NULL;
            ALTER TABLE tickets ADD COLUMN escalations integer NOT NULL DEFAULT 0,
                ADD COLUMN offered_to text;
            """),
        Migration(version: 104, name: "agent workflow: waiting, notes, transfers, resolution codes", sql: """
            ALTER TABLE tickets ADD COLUMN waiting_on text CHECK (waiting_on IN ('customer', 'parts')),
                ADD COLUMN resolution_code text, ADD COLUMN resolution_summary text;
            CREATE INDEX tickets_agent ON tickets (agent_id, status);
            CREATE TABLE notes (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL REFERENCES tickets (number),
                author text NOT NULL,
                internal boolean NOT NULL,
                text text NOT NULL,
                written_at timestamptz NOT NULL
            );
            CREATE INDEX notes_ticket ON notes (ticket_number);
            CREATE TABLE transfers (
                id bigserial PRIMARY KEY,
                ticket_number text NOT NULL REFERENCES tickets (number),
                from_agent text,
                to_agent text,
                to_team text,
                reason text NOT NULL,
                by_agent text NOT NULL,
                at timestamptz NOT NULL
            );
            """),
        Migration(version: 105, name: "draining the waiting queue after lock contention and freed capacity", sql: """
            -- Set when a ticket waits only because other transactions held every candidate for a
            -- moment: the drainer tries it again at once (docs/architecture.md, dispatch).
            ALTER TABLE tickets ADD COLUMN retry_assign_at timestamptz;
            CREATE INDEX tickets_retry_assign ON tickets (retry_assign_at) WHERE retry_assign_at IS NOT NULL;
            -- Moved on whenever capacity frees up; a sequence, so that bumping it never makes two
            -- transactions wait for each other.
            CREATE SEQUENCE capacity_freed;
            """),
        Migration(version: 106, name: "retired teams", sql: """
            -- A retired team keeps its place in old tickets' history but takes no agents, no
            -- sub-teams and no tickets.
            ALTER TABLE teams ADD COLUMN retired_at timestamptz;
            """),
        Migration(version: 107, name: "the floor: breaches as they happen, queues by team", sql: """
            CREATE INDEX sla_clocks_breached ON sla_clocks (breached_at) WHERE stopped_at IS NULL AND breached_at IS NOT NULL;
            CREATE INDEX tickets_open_by_team ON tickets (team_id, status) WHERE status IN ('queued', 'assigned', 'accepted', 'waiting');
            """),
    ]
}
