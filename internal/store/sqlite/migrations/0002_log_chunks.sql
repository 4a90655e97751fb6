-- Write-path layout (bench/README.md has the measurements behind it).
--
-- Logs get a number, so a log's entries are keyed by (number, seq)
-- instead of repeating the log's name (an execution ARN, ~100 bytes) in
-- every entry.
CREATE TABLE logs_v2 (
    id  INTEGER NOT NULL PRIMARY KEY, -- the rowid: max + 1 for a new log
    log TEXT    NOT NULL UNIQUE,
    len INTEGER NOT NULL
);
INSERT INTO logs_v2 (log, len) SELECT log, len FROM logs ORDER BY log;

-- One row per append (a chunk) rather than per entry: a Step Functions
-- step appends about a dozen history events, which then cost one row.
-- seq is the chunk's first entry and n its count; data is the entry itself
-- when n = 1, else each entry as a uvarint length and its bytes (chunk.go).
-- The driver cuts long appends into several chunks.
--
-- A rowid table, not WITHOUT ROWID: new rows go to the right edge whatever
-- log they belong to (execution names are often random), so pages fill up
-- instead of splitting, and a chunk of a few KB stays in its leaf, where a
-- WITHOUT ROWID row spills everything past ~1 KB into an overflow page of
-- its own. Reads by (log, seq) go through the primary key's index.
CREATE TABLE log_chunks (
    log  INTEGER NOT NULL,
    seq  INTEGER NOT NULL,
    n    INTEGER NOT NULL,
    data BLOB    NOT NULL,
    PRIMARY KEY (log, seq)
);
INSERT INTO log_chunks (log, seq, n, data)
SELECT l.id, e.seq, 1, e.data FROM log_entries AS e JOIN logs_v2 AS l ON l.log = e.log;

DROP TABLE log_entries;
DROP TABLE logs;
ALTER TABLE logs_v2 RENAME TO logs;

-- A record's index entries are found from the record's own copy of its
-- index map (records.indexes), by primary key, so the by-key index, a
-- second B-tree insert per entry, is not needed.
DROP INDEX record_indexes_by_key;
