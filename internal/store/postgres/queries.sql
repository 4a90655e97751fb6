-- Queries of the PostgreSQL driver. Each starts with a "-- name: X" line;
-- the driver loads them by name at Open and fails if one is missing or
-- unused. Times are integer nanoseconds since the Unix epoch, UTC.

-- name: RecordGet
SELECT value, version, indexes FROM records WHERE tbl = $1 AND key = $2;

-- name: RecordInsert
INSERT INTO records (tbl, key, value, version, indexes)
VALUES ($1, $2, $3, 1, $4)
ON CONFLICT (tbl, key) DO NOTHING;

-- name: RecordUpsert
INSERT INTO records (tbl, key, value, version, indexes)
VALUES ($1, $2, $3, 1, $4)
ON CONFLICT (tbl, key) DO UPDATE
SET value = EXCLUDED.value, indexes = EXCLUDED.indexes, version = records.version + 1
RETURNING version;

-- The version check happens under the row lock: a concurrent writer that
-- got there first leaves no row matching $5.
-- name: RecordUpdateVersion
UPDATE records SET value = $3, indexes = $4, version = version + 1
WHERE tbl = $1 AND key = $2 AND version = $5
RETURNING version;

-- name: RecordVersion
SELECT version FROM records WHERE tbl = $1 AND key = $2;

-- name: RecordDelete
DELETE FROM records WHERE tbl = $1 AND key = $2;

-- name: RecordIndexesDelete
DELETE FROM record_indexes WHERE tbl = $1 AND key = $2;

-- name: RecordIndexesInsert
INSERT INTO record_indexes (tbl, idx, value, key)
SELECT $1, t.idx, t.value, $4
FROM unnest($2::text[], $3::text[]) AS t(idx, value);

-- RecordScan walks keys from $2 (inclusive) below $3 (NULL: no bound),
-- skipping the key $4 (the exclusive After). A NULL $5 means no limit.
-- name: RecordScan
SELECT key, value, version, indexes FROM records
WHERE tbl = $1 AND key >= $2 AND ($3::text IS NULL OR key < $3) AND key IS DISTINCT FROM $4
ORDER BY key
LIMIT $5;

-- RecordScanIndex walks (value, key) from ($3, $4) inclusive with index
-- values below $5 (NULL: no bound), skipping the entry ($6, $7) — the
-- exclusive After — and, when $8 is not NULL, keeping only that value.
-- name: RecordScanIndex
SELECT r.key, r.value, r.version, r.indexes
FROM record_indexes AS i
JOIN records AS r ON r.tbl = i.tbl AND r.key = i.key
WHERE i.tbl = $1 AND i.idx = $2
  AND (i.value, i.key) >= ($3::text, $4::text)
  AND ($5::text IS NULL OR i.value < $5)
  AND (i.value, i.key) IS DISTINCT FROM ($6::text, $7::text)
  AND ($8::text IS NULL OR i.value = $8)
ORDER BY i.value, i.key
LIMIT $9;

-- The head row hands out sequence numbers: $2 entries take len+1 .. len+$2.
-- The upsert locks the head row until commit (as SELECT ... FOR UPDATE
-- would), so concurrent appenders to one log queue up behind it.
-- name: LogReserve
INSERT INTO logs (log, len) VALUES ($1, $2)
ON CONFLICT (log) DO UPDATE SET len = logs.len + EXCLUDED.len
RETURNING len;

-- name: LogEntriesInsert
INSERT INTO log_entries (log, seq, data)
SELECT $1, $2 + t.ord - 1, t.data
FROM unnest($3::bytea[]) WITH ORDINALITY AS t(data, ord);

-- name: LogRead
SELECT seq, data FROM log_entries
WHERE log = $1 AND seq > $2
ORDER BY seq
LIMIT $3;

-- name: LogReadReverse
SELECT seq, data FROM log_entries
WHERE log = $1 AND seq < $2
ORDER BY seq DESC
LIMIT $3;

-- name: LogLen
SELECT len FROM logs WHERE log = $1;

-- name: LogEntriesDelete
DELETE FROM log_entries WHERE log = $1;

-- name: LogHeadDelete
DELETE FROM logs WHERE log = $1;

-- Replacing a job keeps its attempt count, so a worker that reschedules a
-- failed job (a retry with backoff) still sees how often it ran.
-- name: JobPut
INSERT INTO jobs (queue, id, due, payload) VALUES ($1, $2, $3, $4)
ON CONFLICT (queue, id) DO UPDATE
SET due = EXCLUDED.due, payload = EXCLUDED.payload, lease = '', lease_expires = 0;

-- JobEnsure is JobPut except that it leaves an unclaimed job that is due
-- by $3 alone. ON CONFLICT DO UPDATE locks the existing row even when its
-- WHERE is false, so no claim commits between this and the commit.
-- name: JobEnsure
INSERT INTO jobs (queue, id, due, payload) VALUES ($1, $2, $3, $4)
ON CONFLICT (queue, id) DO UPDATE
SET due = EXCLUDED.due, payload = EXCLUDED.payload, lease = '', lease_expires = 0
WHERE jobs.lease <> '' OR jobs.due > EXCLUDED.due;

-- JobPutLeased is JobPut storing the job claimed (lease $5 until $6).
-- name: JobPutLeased
INSERT INTO jobs (queue, id, due, payload, lease, lease_expires, attempt) VALUES ($1, $2, $3, $4, $5, $6, 1)
ON CONFLICT (queue, id) DO UPDATE
SET due = EXCLUDED.due, payload = EXCLUDED.payload, lease = EXCLUDED.lease,
    lease_expires = EXCLUDED.lease_expires, attempt = jobs.attempt + 1
RETURNING attempt;

-- name: JobGet
SELECT due, payload, lease, lease_expires, attempt FROM jobs WHERE queue = $1 AND id = $2;

-- name: JobDelete
DELETE FROM jobs WHERE queue = $1 AND id = $2;

-- name: JobDeleteLeased
DELETE FROM jobs WHERE queue = $1 AND id = $2 AND lease = $3;

-- name: JobExists
SELECT 1 FROM jobs WHERE queue = $1 AND id = $2;

-- $2 is the emulated now (due-ness), $3 the real now (lease expiry). SKIP
-- LOCKED lets several processes claim from one queue at once: each passes
-- over the rows another claimer holds instead of waiting for them.
-- name: JobClaim
WITH claimable AS (
    SELECT queue, id FROM jobs
    WHERE queue = $1 AND due <= $2 AND (lease = '' OR lease_expires <= $3)
    ORDER BY due, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs AS j SET lease = $5, lease_expires = $6, attempt = j.attempt + 1
FROM claimable AS c
WHERE j.queue = c.queue AND j.id = c.id
RETURNING j.id, j.due, j.payload, j.attempt;

-- name: JobNextDue
SELECT due FROM jobs
WHERE queue = $1 AND (lease = '' OR lease_expires <= $2)
ORDER BY due, id
LIMIT 1;

-- Sent inside the transaction: PostgreSQL delivers it at commit and drops
-- it on rollback.
-- name: Notify
SELECT pg_notify($1, $2);

-- name: Reset
DELETE FROM records;
DELETE FROM record_indexes;
DELETE FROM logs;
DELETE FROM log_entries;
DELETE FROM jobs;
