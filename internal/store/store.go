// Package store is the durable state every service and the execution engine
// keep: records with secondary indexes, ordered append-only logs (execution
// histories), and jobs — due-time work items claimed under a lease (timers,
// tasks, deliveries).
//
// A mutation and the work it causes commit in one transaction: a Step
// Functions transition writes the execution record, its history events and
// its next timer together, so a crash never leaves one without the others.
// Claimed jobs whose process dies are claimed again once their lease runs out,
// so committed work is never lost; completing a job inside the transaction
// that applies its effect makes in-process effects happen exactly once.
//
// Implementations live in subpackages (sqlite, postgres) and pass the shared
// conformance suite in storetest. database/sql and pgx appear nowhere else.
package store

import (
	"context"
	"errors"
	"time"
)

var (
	// ErrNotFound: no record, log entry or job with that key.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: the key exists already (Insert), or the record's version
	// is not the one the caller read (Put with ExpectVersion), or a job's
	// lease was lost to another claimer.
	ErrConflict = errors.New("store: conflict")
	// ErrLocked: another process holds the store (a second shoal on the same
	// SQLite data directory).
	ErrLocked = errors.New("store: locked by another process")
)

// Store is a transactional store. It is safe for concurrent use.
type Store interface {
	// Update runs fn in a read-write transaction and commits it if fn returns
	// nil. Implementations may group concurrent Updates into one commit;
	// Update returns only once its changes are durable. fn may run more than
	// once if the transaction has to be retried, so it must not have side
	// effects outside tx.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction over a consistent snapshot.
	// fn may run more than once (the SQLite driver answers from its record
	// cache and reruns fn on a real transaction if a commit intervened);
	// only the last run's result counts, so fn must only read and compute.
	View(ctx context.Context, fn func(Tx) error) error

	// JobClaim leases up to Limit jobs of a queue that are due at Now and not
	// leased (or whose lease has expired), oldest due first. Each returned
	// job carries a fresh Lease token and an incremented Attempt.
	JobClaim(ctx context.Context, p *JobClaimParams) ([]Job, error)
	// JobNextDue returns the earliest due time of the queue's unleased jobs;
	// ok is false when the queue is empty.
	JobNextDue(ctx context.Context, queue string) (due time.Time, ok bool, err error)
	// Wake returns a channel that receives (without blocking the sender)
	// whenever a transaction that added or rescheduled jobs of queue commits,
	// in this process or — for PostgreSQL — in any process sharing the
	// database. Each call returns a new subscription; cancel releases it.
	Wake(queue string) (ch <-chan struct{}, cancel func())

	// Reset deletes all state (POST /_shoal/reset).
	Reset(ctx context.Context) error
	Close() error
}

// Tx is one transaction. It is not safe for concurrent use and must not be
// used after the Update or View that made it returns. In a View, mutations
// fail.
type Tx interface {
	// RecordGet returns the record at (table, key) or ErrNotFound.
	RecordGet(ctx context.Context, table, key string) (*Record, error)
	// RecordInsert adds a record; ErrConflict if the key exists.
	RecordInsert(ctx context.Context, r *Record) error
	// RecordPut inserts or replaces a record. When r.Version is non-zero the
	// stored record must have that version, else ErrConflict (and ErrNotFound
	// if there is none). The stored version becomes the old one + 1 (1 for a
	// new record) and is written back to r.Version.
	RecordPut(ctx context.Context, r *Record) error
	// RecordDelete removes a record and its index entries; ErrNotFound if
	// absent.
	RecordDelete(ctx context.Context, table, key string) error
	// RecordScan lists records in key order (or index-value order, then key,
	// when p.Index is set).
	RecordScan(ctx context.Context, p *RecordScanParams) ([]Record, error)

	// LogAppend appends entries to a log and returns the sequence number of
	// the first; sequence numbers start at 1 and have no gaps.
	LogAppend(ctx context.Context, log string, entries ...[]byte) (first int64, err error)
	// LogRead returns entries of a log in sequence order (descending when
	// p.Reverse).
	LogRead(ctx context.Context, p *LogReadParams) ([]LogEntry, error)
	// LogLen is the sequence number of the last entry, 0 for an empty log.
	LogLen(ctx context.Context, log string) (int64, error)
	// LogDelete removes a whole log.
	LogDelete(ctx context.Context, log string) error

	// JobPut adds a job or, if (Queue, ID) exists, replaces its due time and
	// payload and clears any lease — so enqueueing is idempotent by ID.
	JobPut(ctx context.Context, j *Job) error
	// JobEnsure makes sure the job (Queue, ID) runs, no later than j.Due,
	// after this transaction commits: the job of an outbox that many
	// commits append to and one run drains. A missing job is added as by
	// JobPut; a claimed job (its run may have read the outbox already) or
	// one due after j.Due is replaced as by JobPut, which drops the claim;
	// an unclaimed job due by j.Due is left as it is, payload included,
	// and wakes nobody. Its row is locked until commit either way, so a
	// claim cannot slip in between (PostgreSQL).
	JobEnsure(ctx context.Context, j *Job) error
	// JobPutLeased is JobPut for work the committing process runs itself
	// once the transaction commits, without a JobClaim: the job is stored
	// claimed, as JobClaim would return it, under a fresh lease for lease
	// (real time) that is written to j.Lease and j.LeaseExpires, with
	// j.Attempt the stored attempt count plus one. It wakes nobody: no
	// claimer could take the job. If the process dies before completing
	// it, the job is claimable once the lease runs out (on SQLite at the
	// next Open, which clears every lease).
	JobPutLeased(ctx context.Context, j *Job, lease time.Duration) error
	// JobGet returns a job or ErrNotFound.
	JobGet(ctx context.Context, queue, id string) (*Job, error)
	// JobDelete removes a job. With a non-empty lease it succeeds only while
	// that lease is current (ErrConflict otherwise): completing claimed work
	// in the transaction that applies its effect makes the effect happen once.
	// With an empty lease it removes the job whether or not it is leased
	// (cancelling a timer). ErrNotFound if the job is gone.
	JobDelete(ctx context.Context, queue, id, lease string) error
}

// Record is a stored value. Value is opaque to the store (services keep
// JSON); Indexes are secondary keys to scan by. Tables, keys, index names
// and values, log names, queues and job ids are text without NUL bytes:
// PostgreSQL's text type rejects NUL, and index-scan cursors use it as their
// separator.
type Record struct {
	Table   string
	Key     string
	Value   []byte
	Version int64
	// Indexes maps an index name to this record's value in it; a record may
	// appear in several indexes and leave out others.
	Indexes map[string]string
}

// RecordScanParams selects records of one table. Without Index, records are
// ordered by key; Prefix filters keys and After (exclusive) continues a page.
// With Index, only records having that index are returned, ordered by
// (index value, key); Prefix filters index values, Value selects one exact
// value, and After continues from a previous page's last key within it.
type RecordScanParams struct {
	Table  string
	Index  string
	Value  *string
	Prefix string
	After  string // a key, exclusive; for Index scans, "<index value>\x00<key>"
	Limit  int    // 0 means no limit
}

// LogEntry is one entry of a log.
type LogEntry struct {
	Seq  int64
	Data []byte
}

// LogReadParams reads a log from After (exclusive; 0 = the start, or the end
// when Reverse), at most Limit entries (0 = all).
type LogReadParams struct {
	Log     string
	After   int64
	Limit   int
	Reverse bool
}

// Job is a unit of due-time work: a timer when Due is in the future, a task
// or delivery when it is due now.
type Job struct {
	Queue   string
	ID      string
	Due     time.Time
	Payload []byte
	// Set by JobClaim:
	Lease        string    // token proving the claim; passed to JobDelete
	LeaseExpires time.Time // real time the lease runs out
	Attempt      int       // claims so far, including this one
}

// JobClaimParams: Now is the emulated clock's time (due-ness); Lease is a
// real-time duration, since a lease protects against a dead process.
type JobClaimParams struct {
	Queue string
	Now   time.Time
	Lease time.Duration
	Limit int
	Owner string // claimer's id, for diagnostics
}
