-- Reference schema of the Immigration AI application database, as far as the exporter's default
-- business queries need it (exporters/health-exporter/business-queries.ts). Your schema can differ: point
-- BUSINESS_QUERIES_FILE at a JSON file with your own SQL for each metric.
-- PostgreSQL 13+ (gen_random_uuid is built in).

CREATE TABLE IF NOT EXISTS agencies (
  id          text PRIMARY KEY,              -- e.g. 'agency-123'; becomes the agency_id label
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email       text NOT NULL UNIQUE,
  full_name   text,
  role        text NOT NULL CHECK (role IN ('client', 'agent', 'admin')),
  agency_id   text REFERENCES agencies (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS sessions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES users (id),
  started_at        timestamptz NOT NULL DEFAULT now(),
  last_activity_at  timestamptz NOT NULL DEFAULT now(),
  ended_at          timestamptz
);
CREATE INDEX IF NOT EXISTS sessions_last_activity_idx ON sessions (last_activity_at);

CREATE TABLE IF NOT EXISTS cases (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_number          text NOT NULL UNIQUE,
  agency_id            text NOT NULL REFERENCES agencies (id),
  client_id            uuid NOT NULL REFERENCES users (id),
  status               text NOT NULL CHECK (status IN ('open', 'in_progress', 'completed', 'closed')),
  opened_at            timestamptz NOT NULL DEFAULT now(),
  completed_at         timestamptz,
  client_satisfaction  smallint CHECK (client_satisfaction BETWEEN 1 AND 5)
);
CREATE INDEX IF NOT EXISTS cases_agency_status_idx ON cases (agency_id, status);

CREATE TABLE IF NOT EXISTS documents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id        uuid NOT NULL REFERENCES cases (id),
  uploaded_by    uuid NOT NULL REFERENCES users (id),
  file_name      text NOT NULL,
  size_bytes     bigint NOT NULL,
  review_status  text NOT NULL DEFAULT 'pending' CHECK (review_status IN ('pending', 'approved', 'rejected')),
  uploaded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS documents_review_idx ON documents (review_status);

CREATE TABLE IF NOT EXISTS chat_conversations (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id              uuid NOT NULL REFERENCES users (id),
  agency_id            text REFERENCES agencies (id),
  started_at           timestamptz NOT NULL DEFAULT now(),
  satisfaction_rating  smallint CHECK (satisfaction_rating BETWEEN 1 AND 5)
);

-- One row per finished backup run, written by the backup job itself (not the web app) when it
-- ends. The exporter reads the newest verified and the newest failed run from here
-- (immigration_ai_backup_last_success_timestamp_seconds, immigration_ai_backup_last_failure_timestamp_seconds),
-- so every exporter replica publishes the same record and no app restart makes a backup look missing.
CREATE TABLE IF NOT EXISTS backup_runs (
  id           bigserial PRIMARY KEY,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL DEFAULT now(),
  verified     boolean NOT NULL,            -- true: the backup completed and passed its verification
  details      text                         -- what failed, for people; never read by the exporter
);
CREATE INDEX IF NOT EXISTS backup_runs_verified_finished_idx ON backup_runs (verified, finished_at);

CREATE TABLE IF NOT EXISTS chat_messages (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id  uuid NOT NULL REFERENCES chat_conversations (id),
  sender           text NOT NULL CHECK (sender IN ('user', 'ai', 'human')),
  sent_at          timestamptz NOT NULL DEFAULT now()
);
