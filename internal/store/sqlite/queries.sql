-- Queries of the SQLite driver. Each starts with a "-- name: X" line; the
-- driver loads them by name at Open and fails if one is missing or unused.
-- Times are integer nanoseconds since the Unix epoch, UTC.

-- name: RecordGet
SELECT value, version, indexes FROM records WHERE tbl = ?1 AND key = ?2;

-- name: RecordInsert
INSERT INTO records (tbl, key, value, version, indexes)
VALUES (?1, ?2, ?3, 1, ?4)
ON CONFLICT (tbl, key) DO NOTHING;

-- name: RecordVersion
SELECT version FROM records WHERE tbl = ?1 AND key = ?2;

-- RecordHead is what a put or delete needs of the stored row: its version
-- and its index map, whose entries it replaces.
-- name: RecordHead
SELECT version, indexes FROM records WHERE tbl = ?1 AND key = ?2;

-- name: RecordUpdate
UPDATE records SET value = ?3, indexes = ?4, version = version + 1
WHERE tbl = ?1 AND key = ?2
RETURNING version;

-- name: RecordDelete
DELETE FROM records WHERE tbl = ?1 AND key = ?2
RETURNING indexes;

-- name: RecordIndexDelete
DELETE FROM record_indexes WHERE tbl = ?1 AND key = ?2 AND idx = ?3 AND value = ?4;

-- RecordIndexesInsert writes a record's index entries in one statement:
-- the driver appends one VALUES row per entry (see indexRow), with the
-- table in ?1, the key in ?2 and each entry's index name and value after.
-- name: RecordIndexesInsert
INSERT INTO record_indexes (tbl, idx, value, key) VALUES

-- RecordScan walks keys in [?2, ?3), skipping the key ?4 (the exclusive
-- After). ?3 is a BLOB when there is no upper bound: SQLite orders every
-- TEXT value before every BLOB, so the range stays one index range either way.
-- A negative ?5 means no limit.
-- name: RecordScan
SELECT key, value, version, indexes FROM records
WHERE tbl = ?1 AND key >= ?2 AND key < ?3 AND key IS NOT ?4
ORDER BY key
LIMIT ?5;

-- RecordScanIndex walks (value, key) from (?3, ?4) inclusive with index
-- values below ?5 (a BLOB for no bound, as above), skipping the entry
-- (?6, ?7) — the exclusive After — and, when ?8 is not NULL, keeping only
-- that exact index value.
-- name: RecordScanIndex
SELECT r.key, r.value, r.version, r.indexes
FROM record_indexes AS i
JOIN records AS r ON r.tbl = i.tbl AND r.key = i.key
WHERE i.tbl = ?1 AND i.idx = ?2
  AND (i.value, i.key) >= (?3, ?4)
  AND i.value < ?5
  AND NOT (i.value IS ?6 AND i.key IS ?7)
  AND (?8 IS NULL OR i.value = ?8)
ORDER BY i.value, i.key
LIMIT ?9;

-- The head row hands out sequence numbers: ?2 entries take len+1 .. len+?2.
-- A new log's id is the next rowid.
-- name: LogReserve
INSERT INTO logs (log, len) VALUES (?1, ?2)
ON CONFLICT (log) DO UPDATE SET len = logs.len + excluded.len
RETURNING id, len;

-- name: LogChunkInsert
INSERT INTO log_chunks (log, seq, n, data) VALUES (?1, ?2, ?3, ?4);

-- LogRead returns the chunks holding entries after ?2, in order: those
-- that start after it, and the one it falls inside, which starts at most
-- maxChunkEntries (?3) before it. A negative ?4 means no limit.
-- name: LogRead
SELECT c.seq, c.n, c.data FROM logs AS l JOIN log_chunks AS c ON c.log = l.id
WHERE l.log = ?1 AND c.seq > ?2 - ?3 AND c.seq + c.n > ?2 + 1
ORDER BY c.seq
LIMIT ?4;

-- LogReadReverse returns the chunks holding entries before ?2, last first.
-- name: LogReadReverse
SELECT c.seq, c.n, c.data FROM logs AS l JOIN log_chunks AS c ON c.log = l.id
WHERE l.log = ?1 AND c.seq < ?2
ORDER BY c.seq DESC
LIMIT ?3;

-- name: LogLen
SELECT len FROM logs WHERE log = ?1;

-- name: LogDelete
DELETE FROM logs WHERE log = ?1
RETURNING id;

-- name: LogChunksDelete
DELETE FROM log_chunks WHERE log = ?1;

-- Replacing a job keeps its attempt count, so a worker that reschedules a
-- failed job (a retry with backoff) still sees how often it ran.
-- name: JobPut
INSERT INTO jobs (queue, id, due, payload) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (queue, id) DO UPDATE
SET due = excluded.due, payload = excluded.payload, lease = '', lease_expires = 0;

-- JobEnsure is JobPut except that it leaves an unclaimed job that is due
-- by ?3 alone (no change: SQLite reports no row changed).
-- name: JobEnsure
INSERT INTO jobs (queue, id, due, payload) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (queue, id) DO UPDATE
SET due = excluded.due, payload = excluded.payload, lease = '', lease_expires = 0
WHERE jobs.lease <> '' OR jobs.due > excluded.due;

-- JobPutLeased is JobPut storing the job claimed (lease ?5 until ?6).
-- name: JobPutLeased
INSERT INTO jobs (queue, id, due, payload, lease, lease_expires, attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
ON CONFLICT (queue, id) DO UPDATE
SET due = excluded.due, payload = excluded.payload, lease = excluded.lease,
    lease_expires = excluded.lease_expires, attempt = jobs.attempt + 1
RETURNING attempt;

-- name: JobGet
SELECT due, payload, lease, lease_expires, attempt FROM jobs WHERE queue = ?1 AND id = ?2;

-- name: JobDelete
DELETE FROM jobs WHERE queue = ?1 AND id = ?2;

-- name: JobDeleteLeased
DELETE FROM jobs WHERE queue = ?1 AND id = ?2 AND lease = ?3;

-- name: JobExists
SELECT 1 FROM jobs WHERE queue = ?1 AND id = ?2;

-- ?2 is the emulated now (due-ness), ?3 the real now (lease expiry).
-- name: JobClaim
UPDATE jobs SET lease = ?5, lease_expires = ?6, attempt = attempt + 1
WHERE (queue, id) IN (
    SELECT queue, id FROM jobs
    WHERE queue = ?1 AND due <= ?2 AND (lease = '' OR lease_expires <= ?3)
    ORDER BY due, id
    LIMIT ?4
)
RETURNING id, due, payload, attempt;

-- name: JobNextDue
SELECT due FROM jobs
WHERE queue = ?1 AND (lease = '' OR lease_expires <= ?2)
ORDER BY due, id
LIMIT 1;

-- name: JobLeasesClear
UPDATE jobs SET lease = '', lease_expires = 0 WHERE lease <> '';

-- name: Reset
DELETE FROM records;
DELETE FROM record_indexes;
DELETE FROM logs;
DELETE FROM log_chunks;
DELETE FROM jobs;
