import KefuStorage

enum SurveyMigrations {
    static let all: [Migration] = [
        Migration(version: 100, name: "surveys", sql: """
            CREATE TABLE surveys (
                id uuid PRIMARY KEY,
                ticket_number text NOT NULL UNIQUE,
                customer_id text NOT NULL,
                agent_id text NOT NULL,
                token text NOT NULL UNIQUE,
                status text NOT NULL DEFAULT 'created',
                expires_at timestamptz NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 101, name: "answers, customers, visits, KPI facts", sql: """
            -- status: sent (invitation asked of notification), answered, expired.
            ALTER TABLE surveys
                ADD COLUMN language text,
                ADD COLUMN phone text,
                ADD COLUMN category text,
                ADD COLUMN channel text,
                ADD COLUMN sent_at timestamptz,
                ADD COLUMN answered_at timestamptz,
                ADD COLUMN answer_channel text,
                ADD COLUMN csat int CHECK (csat BETWEEN 1 AND 5),
                ADD COLUMN nps int CHECK (nps BETWEEN 0 AND 10),
                ADD COLUMN comment text,
                ADD COLUMN complaint boolean,
                ADD COLUMN closed_at timestamptz;
            CREATE INDEX surveys_open_by_phone ON surveys (phone, created_at) WHERE status = 'sent';
            CREATE INDEX surveys_open_by_expiry ON surveys (expires_at) WHERE status = 'sent';
            -- survey's own copy of what it needs of each customer.
            CREATE TABLE customers (
                id text PRIMARY KEY,
                tier text NOT NULL DEFAULT 'standard',
                phone text,
                email text,
                language text,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX customers_phone ON customers (phone);
            -- Inspection intervals in months after delivery, by the longest matching model prefix.
            CREATE TABLE product_lines (
                prefix text PRIMARY KEY,
                intervals_months int[] NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            INSERT INTO product_lines (prefix, intervals_months) VALUES ('', '{1,3,6,12}');
            -- Routine inspections of a product and revisits of a customer. status: scheduled,
            -- submitted (a ticket was asked of intake), cancelled.
            CREATE TABLE visits (
                id uuid PRIMARY KEY,
                customer_id text NOT NULL,
                kind text NOT NULL CHECK (kind IN ('inspection', 'revisit')),
                product_model text,
                product_serial text,
                delivered_on date,
                months int NOT NULL,
                due_on date NOT NULL,
                status text NOT NULL DEFAULT 'scheduled',
                moved_from date,
                submission_id text,
                ticket_number text,
                submitted_at timestamptz,
                cancelled_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX visits_identity ON visits (customer_id, kind, coalesce(product_model, ''),
                                                          coalesce(product_serial, ''), months);
            CREATE INDEX visits_due ON visits (due_on) WHERE status = 'scheduled';
            -- Every status event the KPIs use, once (by event id), and the facts of each ticket
            -- folded from all of its events, so late and repeated events change nothing wrongly.
            CREATE TABLE kpi_events (
                event_id text PRIMARY KEY,
                ticket_number text NOT NULL,
                type text NOT NULL,
                occurred_at timestamptz NOT NULL,
                data jsonb NOT NULL
            );
            CREATE INDEX kpi_events_ticket ON kpi_events (ticket_number);
            CREATE TABLE ticket_facts (
                ticket_number text PRIMARY KEY,
                created_at timestamptz,
                channel text,
                category text,
                priority text,
                team_id text,
                agent_id text,
                complaint boolean NOT NULL DEFAULT false,
                first_response_seconds double precision,
                resolved_at timestamptz,
                resolution_seconds double precision,
                handle_seconds double precision,
                reopened int NOT NULL DEFAULT 0,
                transferred int NOT NULL DEFAULT 0,
                first_response_met boolean,
                resolution_met boolean,
                resolution_due_at timestamptz,
                overrun_seconds double precision,
                surveyed boolean NOT NULL DEFAULT false,
                csat int,
                nps int
            );
            CREATE INDEX ticket_facts_created ON ticket_facts (created_at);
            """),
        Migration(version: 102, name: "closing tickets resolved again after their survey", sql: """
            -- A ticket resolved again after its survey was answered or expired gets no second
            -- survey: it closes after a quiet period, unless the customer writes again first.
            CREATE TABLE reclosings (
                ticket_number text PRIMARY KEY,
                channel text,
                category text,
                resolved_at timestamptz NOT NULL,
                close_at timestamptz NOT NULL,
                closed_at timestamptz
            );
            CREATE INDEX reclosings_due ON reclosings (close_at) WHERE closed_at IS NULL;
            """),
        Migration(version: 103, name: "complaints, newest first", sql: """
            -- GET /v1/complaints pages through these, newest answer first.
            CREATE INDEX surveys_complaints ON surveys (answered_at DESC, (id::text) DESC) WHERE complaint;
            """),
        Migration(version: 104, name: "customer activity that came before its resolution's message", sql: """
            -- The latest time a customer wrote on, or reopened, each ticket: a resolution whose
            -- message comes after such activity (the two travel on different queues) plans no close.
            CREATE TABLE customer_activity (
                ticket_number text PRIMARY KEY,
                last_at timestamptz NOT NULL
            );
            """),
    ]
}
