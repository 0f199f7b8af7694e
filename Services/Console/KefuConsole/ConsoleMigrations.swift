import KefuServiceKit
import KefuStorage

/// The console's schema: who may sign in, their sessions and their own working state (presence,
/// drafts, snippets, saved views), the audit log, and the events it shows live. Everything about
/// tickets stays with the services that own it.
enum ConsoleMigrations {
    static let all: [Migration] = [
        Migration(version: 100, name: "staff, sessions, presence, drafts, snippets, saved views, audit, live events", sql: """
            CREATE TABLE staff (
                id uuid PRIMARY KEY,
                username text NOT NULL UNIQUE,
                display_name text NOT NULL,
                role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
                -- The dispatch agent this person acts as; their tokens carry it as the subject.
                agent_id text,
                language text,
                password_hash text NOT NULL,
                -- A password someone else set (the first admin's, a reset): changed at first sign-in.
                must_change_password boolean NOT NULL DEFAULT false,
                disabled_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            -- Only a digest of the session token is kept: a copy of this table opens no session.
            CREATE TABLE sessions (
                token_digest text PRIMARY KEY,
                staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
                csrf_token text NOT NULL,
                address text,
                created_at timestamptz NOT NULL DEFAULT now(),
                last_seen_at timestamptz NOT NULL DEFAULT now(),
                ended_at timestamptz
            );
            CREATE INDEX sessions_staff ON sessions (staff_id);
            CREATE TABLE sign_in_failures (
                id bigserial PRIMARY KEY,
                username text NOT NULL,
                address text NOT NULL,
                failed_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX sign_in_failures_username ON sign_in_failures (username, failed_at);
            CREATE INDEX sign_in_failures_address ON sign_in_failures (address, failed_at);
            -- Who has a ticket open, and who is typing in it: both see each other.
            CREATE TABLE presence (
                ticket_number text NOT NULL,
                staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
                typing boolean NOT NULL DEFAULT false,
                seen_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (ticket_number, staff_id)
            );
            CREATE TABLE drafts (
                staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
                ticket_number text NOT NULL,
                body text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (staff_id, ticket_number)
            );
            CREATE TABLE snippets (
                id uuid PRIMARY KEY,
                staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
                name text NOT NULL,
                body text NOT NULL,
                UNIQUE (staff_id, name)
            );
            CREATE TABLE saved_views (
                id uuid PRIMARY KEY,
                staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
                name text NOT NULL,
                query text NOT NULL,
                UNIQUE (staff_id, name)
            );
            -- Written by the console only, and never updated or deleted by it.
            CREATE TABLE audit_log (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT now(),
                staff_id uuid,
                username text NOT NULL,
                address text,
                action text NOT NULL,
                target text,
                detail jsonb
            );
            -- The status events the live stream shows, numbered for Last-Event-ID, kept a day.
            CREATE TABLE live_events (
                id bigserial PRIMARY KEY,
                event_id text NOT NULL UNIQUE,
                type text NOT NULL,
                ticket_number text,
                agent_id text,
                team_id text,
                status text,
                received_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX live_events_received ON live_events (received_at);
            -- Who holds each ticket, as the events said last: whose stream an event goes to.
            CREATE TABLE ticket_holders (
                ticket_number text PRIMARY KEY,
                agent_id text,
                team_id text,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            """),
        Migration(version: 101, name: "an audit log nobody edits; the floor's happenings", sql: """
            -- The audit log is written once and read; no role, the console's own included, may
            -- change or remove a line (docs/console.md, "The audit log").
            CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log cannot be changed' USING ERRCODE = 'insufficient_privilege';
            END $$;
            CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
            CREATE INDEX audit_log_action ON audit_log (action, id);
            CREATE INDEX live_events_happenings ON live_events (id)
                WHERE type IN ('kefu.ticket.sla_breached', 'kefu.ticket.escalated', 'kefu.ticket.sla_warning');
            """),
    ]
}
