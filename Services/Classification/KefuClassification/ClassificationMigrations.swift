import KefuStorage

enum ClassificationMigrations {
    static let all: [Migration] = [
        Migration(version: 100, name: "decisions", sql: """
            CREATE TABLE decisions (
                ticket_number text PRIMARY KEY,
                category text NOT NULL,
                priority text NOT NULL,
                sla_class text NOT NULL,
                language text NOT NULL,
                complaint boolean NOT NULL,
                explanation jsonb NOT NULL,
                decided_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 101, name: "training examples and model versions", sql: """
            CREATE TABLE training_examples (
                id bigserial PRIMARY KEY,
                text text NOT NULL,
                label text NOT NULL,
                source text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE models (
                version serial PRIMARY KEY,
                examples integer NOT NULL,
                labels integer NOT NULL,
                -- On the examples held back from training, so versions can be compared.
                accuracy double precision NOT NULL,
                calibration_error double precision NOT NULL,
                active boolean NOT NULL DEFAULT false,
                activated_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now(),
                body bytea NOT NULL
            );
            CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active;
            """),
        Migration(version: 102, name: "taxonomy, rules, settings, triage, corrections, training schedule", sql: """
            CREATE TABLE categories (
                id text PRIMARY KEY,
                body jsonb NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE rules (
                id serial PRIMARY KEY,
                position integer NOT NULL,
                body jsonb NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                updated_by text NOT NULL
            );
            -- One row. Its revision is bumped by every edit of rules, taxonomy or settings.
            CREATE TABLE settings (
                id integer PRIMARY KEY CHECK (id = 1),
                body jsonb NOT NULL,
                revision bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            \(PolicyStore.seed)

            -- The text is kept so that a person's decision or an agent's correction can become a
            -- training example; erasing the customer blanks it.
            ALTER TABLE decisions ADD COLUMN text text, ADD COLUMN customer_id text,
                ADD COLUMN corrected_category text, ADD COLUMN corrected_at timestamptz;
            CREATE INDEX decisions_customer ON decisions (customer_id);

            CREATE TABLE triage (
                ticket_number text PRIMARY KEY REFERENCES decisions (ticket_number),
                ticket jsonb NOT NULL,
                priority text NOT NULL,
                queued_at timestamptz NOT NULL,
                due_at timestamptz NOT NULL,
                left_at timestamptz,
                outcome text,
                decided_by text
            );
            CREATE INDEX triage_waiting ON triage (priority, queued_at, ticket_number) WHERE left_at IS NULL;
            CREATE INDEX triage_due ON triage (due_at) WHERE left_at IS NULL;

            ALTER TABLE training_examples ADD COLUMN ticket_number text;
            CREATE INDEX training_examples_ticket ON training_examples (ticket_number) WHERE ticket_number IS NOT NULL;
            ALTER TABLE models ADD COLUMN last_example_id bigint NOT NULL DEFAULT 0,
                ADD COLUMN trained_by text NOT NULL DEFAULT 'api';

            -- One row: when scheduled training is next due; replicas claim it with one UPDATE.
            CREATE TABLE training_schedule (
                id integer PRIMARY KEY CHECK (id = 1),
                next_run_at timestamptz NOT NULL
            );
            INSERT INTO training_schedule VALUES (1, now());
            """),
        // The seeded rules become fallbacks, so that a trained model outranks them; a rule someone
        // has edited since (updated_by is no longer 'default') keeps the precedence it had.
        Migration(version: 103, name: "seeded rules are fallbacks", sql: """
            UPDATE rules SET body = body || '{"precedence": "fallback"}'::jsonb WHERE updated_by = 'default';
            """),
        // Examples belong to a named set; what there was is the production set (ExampleSets).
        Migration(version: 104, name: "example sets", sql: """
            ALTER TABLE training_examples ADD COLUMN set_name text NOT NULL DEFAULT 'production';
            CREATE INDEX training_examples_set ON training_examples (set_name, id);
            ALTER TABLE models ADD COLUMN example_sets jsonb NOT NULL DEFAULT '["production"]';
            """),
        // A model's bytes in parts of 4 MiB (ModelStore.partBytes): libpq keeps each connection's
        // buffers as large as the largest message, so one 30 MB value kept 60 MB of hex in every
        // connection that had read or written it (docs/benchmarks.md, "Memory across model swaps").
        Migration(version: 105, name: "model parts", sql: """
            CREATE TABLE model_parts (
                version integer NOT NULL REFERENCES models (version) ON DELETE CASCADE,
                part integer NOT NULL,
                bytes bytea NOT NULL,
                PRIMARY KEY (version, part)
            );
            INSERT INTO model_parts (version, part, bytes)
                SELECT version, part, substring(body FROM part * 4194304 + 1 FOR 4194304)
                FROM models, generate_series(0, greatest(length(body) - 1, 0) / 4194304) AS part;
            ALTER TABLE models DROP COLUMN body;
            """),
    ]
}
