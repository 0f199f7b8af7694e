import KefuStorage

enum KnowledgeMigrations {
    static let all: [Migration] = [
        Migration(version: 100, name: "articles, versions, categories", sql: """
            -- The category tree: each category names its parent; names in both languages.
            CREATE TABLE categories (
                id text PRIMARY KEY,
                parent_id text REFERENCES categories (id),
                name_zh text NOT NULL,
                name_en text NOT NULL,
                position int NOT NULL DEFAULT 0,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE articles (
                id uuid PRIMARY KEY,
                key text UNIQUE,
                category_id text REFERENCES categories (id),
                tags text[] NOT NULL DEFAULT '{}',
                products text[] NOT NULL DEFAULT '{}',
                visibility text NOT NULL CHECK (visibility IN ('draft', 'internal', 'public')),
                translations jsonb NOT NULL,
                revision int NOT NULL DEFAULT 1,
                source_ticket text,
                created_by text NOT NULL,
                updated_by text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                deleted_at timestamptz,
                helpful int NOT NULL DEFAULT 0,
                unhelpful int NOT NULL DEFAULT 0,
                used int NOT NULL DEFAULT 0,
                solved int NOT NULL DEFAULT 0,
                -- The transaction of the last change (content or feedback): each replica's search
                -- index fetches what changed since the oldest transaction running when it last
                -- looked, so a change that commits late is never skipped (docs/knowledge.md).
                change_xid xid8 NOT NULL DEFAULT pg_current_xact_id()
            );
            CREATE INDEX articles_changes ON articles (change_xid);
            CREATE INDEX articles_category ON articles (category_id) WHERE deleted_at IS NULL;
            -- Every revision whole, with who made it and which fields it changed.
            CREATE TABLE article_versions (
                article_id uuid NOT NULL REFERENCES articles (id),
                revision int NOT NULL,
                action text NOT NULL,
                changed_by text NOT NULL,
                changed_at timestamptz NOT NULL DEFAULT now(),
                changes text[] NOT NULL DEFAULT '{}',
                snapshot jsonb NOT NULL,
                PRIMARY KEY (article_id, revision)
            );
            """),
        Migration(version: 101, name: "tickets, suggestions, feedback", sql: """
            -- What knowledge keeps of each ticket: its text with the customer's details taken
            -- out, for suggestions and for drafting an article from its resolution.
            CREATE TABLE tickets (
                number text PRIMARY KEY,
                language text,
                channel text,
                product_model text,
                subject text,
                body text NOT NULL,
                resolution text,
                resolved_at timestamptz,
                created_at timestamptz NOT NULL
            );
            -- The articles suggested for a ticket, best first, and the customer's link token.
            CREATE TABLE suggestions (
                ticket_number text PRIMARY KEY,
                token text NOT NULL UNIQUE,
                language text,
                articles jsonb NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                closed_by_article uuid,
                closed_at timestamptz
            );
            CREATE INDEX suggestions_created ON suggestions (created_at);
            -- kind: used (an agent sent it in a reply), solved (the customer closed the ticket
            -- with it), helpful, unhelpful (the help centre's question).
            CREATE TABLE feedback (
                id bigserial PRIMARY KEY,
                article_id uuid NOT NULL REFERENCES articles (id),
                ticket_number text,
                kind text NOT NULL CHECK (kind IN ('used', 'solved', 'helpful', 'unhelpful')),
                source text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX feedback_once_per_ticket ON feedback (ticket_number, article_id, kind)
                WHERE ticket_number IS NOT NULL;
            CREATE INDEX feedback_created ON feedback (created_at);
            """),
        Migration(version: 102, name: "tickets know their customer, for erasure", sql: """
            -- customer.erased blanks what knowledge kept of that customer's tickets.
            ALTER TABLE tickets ADD COLUMN customer_id text;
            CREATE INDEX tickets_customer ON tickets (customer_id);
            """),
    ]
}
