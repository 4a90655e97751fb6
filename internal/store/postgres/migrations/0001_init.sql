-- Text columns use the "C" collation: keys, index values and queue names
-- compare bytewise, the order SQLite uses, whatever the database's locale.

-- Records: one row per (table, key). indexes is the record's index map as a
-- JSON object, kept beside the value so a read returns the whole record
-- without touching record_indexes (which exists for scans).
CREATE TABLE records (
    tbl     text COLLATE "C" NOT NULL,
    key     text COLLATE "C" NOT NULL,
    value   bytea            NOT NULL,
    version bigint           NOT NULL,
    indexes text             NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, key)
);

-- One row per (record, index); the primary key is the scan order of an
-- index scan: (index value, key).
CREATE TABLE record_indexes (
    tbl   text COLLATE "C" NOT NULL,
    idx   text COLLATE "C" NOT NULL,
    value text COLLATE "C" NOT NULL,
    key   text COLLATE "C" NOT NULL,
    PRIMARY KEY (tbl, idx, value, key)
);

-- Replacing or deleting a record drops its index rows by key.
CREATE INDEX record_indexes_by_key ON record_indexes (tbl, key);

-- Log heads: len is the last sequence number handed out. Appends update
-- the head row first, and its row lock (held to commit) orders concurrent
-- appends to one log, so sequence numbers have no gaps.
CREATE TABLE logs (
    log text COLLATE "C" NOT NULL PRIMARY KEY,
    len bigint           NOT NULL
);

CREATE TABLE log_entries (
    log  text COLLATE "C" NOT NULL,
    seq  bigint           NOT NULL,
    data bytea            NOT NULL,
    PRIMARY KEY (log, seq)
);

-- Times are integer nanoseconds since the Unix epoch, UTC (timestamptz
-- keeps only microseconds). lease is '' and lease_expires 0 when the job is
-- not leased.
CREATE TABLE jobs (
    queue         text COLLATE "C" NOT NULL,
    id            text COLLATE "C" NOT NULL,
    due           bigint           NOT NULL,
    payload       bytea            NOT NULL,
    lease         text             NOT NULL DEFAULT '',
    lease_expires bigint           NOT NULL DEFAULT 0,
    attempt       integer          NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, id)
);

CREATE INDEX jobs_by_due ON jobs (queue, due, id);
