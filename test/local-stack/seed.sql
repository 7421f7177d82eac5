-- Synthetic data for the local stack, so the exporter's business gauges (active users, active
-- clients, pending reviews and satisfaction per agency) and the backup record have values and the
-- dashboards show data.
-- Loaded after the exporter's reference schema (exporters/health-exporter/reference-schema.sql). Names and
-- addresses are made up (example.test is reserved); agency ids match the traffic generator's.
INSERT INTO agencies (id, name) VALUES
  ('agency-101', 'Local Agency 101'), ('agency-102', 'Local Agency 102'), ('agency-103', 'Local Agency 103')
ON CONFLICT DO NOTHING;

INSERT INTO users (email, role, agency_id)
SELECT 'client' || n || '@example.test', 'client', 'agency-10' || (1 + n % 3) FROM generate_series(1, 30) AS n
ON CONFLICT DO NOTHING;

INSERT INTO sessions (user_id, started_at, last_activity_at)
SELECT id, now() - interval '2 hours', now() - (random() * interval '20 hours') FROM users;

INSERT INTO cases (case_number, agency_id, client_id, status, opened_at, completed_at, client_satisfaction)
SELECT 'LOCAL-' || row_number() OVER (), u.agency_id, u.id,
       (ARRAY['open', 'in_progress', 'completed', 'completed'])[1 + (row_number() OVER ())::int % 4],
       now() - interval '40 days',
       CASE WHEN (row_number() OVER ())::int % 4 >= 2 THEN now() - interval '3 days' END,
       CASE WHEN (row_number() OVER ())::int % 4 >= 2 THEN 3 + (row_number() OVER ())::int % 3 END
FROM users u;

INSERT INTO documents (case_id, uploaded_by, file_name, size_bytes, review_status)
SELECT c.id, c.client_id, 'document-' || g || '.pdf', 250000 * g, (ARRAY['pending', 'approved', 'pending'])[g]
FROM cases c CROSS JOIN generate_series(1, 3) AS g;

-- The backup job's record: last night's run failed verification, this morning's retry passed.
-- Nothing in the local stack runs backups, so the backup alerts stay quiet for the run (26 h).
INSERT INTO backup_runs (started_at, finished_at, verified, details) VALUES
  (now() - interval '6 hours', now() - interval '5 hours 40 minutes', false, 'checksum mismatch'),
  (now() - interval '2 hours', now() - interval '1 hour 45 minutes', true, NULL);
