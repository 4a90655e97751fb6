package scheduler

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Tables, the job queue and logs (doc.go describes the layout).
const (
	tableSchedule = "scheduler.schedule"
	tableGroup    = "scheduler.group"
	// Queue holds one job per enabled schedule, due at its next firing,
	// and one per invocation being retried.
	Queue = "scheduler.fire"
	// dlqLog prefixes the per-account log of dead-letter events.
	dlqLog = "scheduler.dlq/"
)

// scope is the account and region every schedule and group belongs to.
type scope struct{ account, region string }

func (sc scope) prefix() string { return sc.account + "/" + sc.region + "/" }

func (sc scope) groupKey(group string) string { return sc.prefix() + group }

// scheduleKey is "<account>/<region>/<group>/<name>"; neither name may
// contain '/', so a group's schedules are exactly a key prefix.
func (sc scope) scheduleKey(group, name string) string {
	return sc.prefix() + group + "/" + name
}

func (sc scope) partition() string {
	switch {
	case strings.HasPrefix(sc.region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(sc.region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func (sc scope) scheduleARN(group, name string) string {
	return "arn:" + sc.partition() + ":scheduler:" + sc.region + ":" + sc.account + ":schedule/" + group + "/" + name
}

func (sc scope) groupARN(group string) string {
	return "arn:" + sc.partition() + ":scheduler:" + sc.region + ":" + sc.account + ":schedule-group/" + group
}

func (sc scope) dlqLog() string { return dlqLog + sc.prefix() }

// scopeOfKey recovers the scope of a schedule key (for the job handler,
// which runs outside any request).
func scopeOfKey(key string) (scope, string, string, bool) {
	parts := strings.SplitN(key, "/", 4)
	if len(parts) != 4 {
		return scope{}, "", "", false
	}
	return scope{account: parts[0], region: parts[1]}, parts[2], parts[3], true
}

// scheduleRecord is a schedule as stored: the request's members with AWS's
// defaults filled in, plus what firing needs.
type scheduleRecord struct {
	Name                  string             `json:"name"`
	Group                 string             `json:"group"`
	Description           *string            `json:"description,omitempty"`
	Expression            string             `json:"expression"`
	Timezone              string             `json:"timezone"`
	StartDate             *time.Time         `json:"startDate,omitempty"`
	EndDate               *time.Time         `json:"endDate,omitempty"`
	State                 string             `json:"state"`
	Flex                  FlexibleTimeWindow `json:"flex"`
	Target                Target             `json:"target"`
	ActionAfterCompletion string             `json:"actionAfterCompletion"`
	KmsKeyArn             string             `json:"kmsKeyArn,omitempty"`
	Created               time.Time          `json:"created"`
	Modified              time.Time          `json:"modified"`
	// Anchor is where a rate() grid starts: StartDate, or the time the
	// expression was set when there is none.
	Anchor time.Time `json:"anchor"`

	rev int64 // the store's record version, for guarded writes
}

// groupRecord is a schedule group. The default group exists without a
// record until something (tags) has to be stored on it; its dates are
// then zero and left out of answers, as AWS leaves them out.
type groupRecord struct {
	Name     string    `json:"name"`
	Created  time.Time `json:"created,omitzero"`
	Modified time.Time `json:"modified,omitzero"`
	Tags     []Tag     `json:"tags,omitempty"`

	rev int64
}

func loadSchedule(ctx context.Context, tx store.Tx, key string) (*scheduleRecord, error) {
	r, err := tx.RecordGet(ctx, tableSchedule, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("scheduler: read schedule: %w", err)
	}
	return decodeSchedule(r)
}

func decodeSchedule(r *store.Record) (*scheduleRecord, error) {
	var s scheduleRecord
	if err := json.Unmarshal(r.Value, &s); err != nil {
		return nil, fmt.Errorf("scheduler: decode schedule %s: %w", r.Key, err)
	}
	s.rev = r.Version
	return &s, nil
}

// saveSchedule writes s, guarded by the version it was read at; a lost
// race is a ConflictException.
func saveSchedule(ctx context.Context, tx store.Tx, key string, s *scheduleRecord) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("scheduler: encode schedule: %w", err)
	}
	r := &store.Record{Table: tableSchedule, Key: key, Value: b, Version: s.rev}
	if s.rev == 0 {
		err = tx.RecordInsert(ctx, r)
	} else {
		err = tx.RecordPut(ctx, r)
	}
	if errors.Is(err, store.ErrConflict) || (s.rev != 0 && errors.Is(err, store.ErrNotFound)) {
		return errConflict("Schedule " + s.Name)
	}
	if err != nil {
		return fmt.Errorf("scheduler: write schedule: %w", err)
	}
	s.rev = r.Version
	return nil
}

func loadGroup(ctx context.Context, tx store.Tx, key string) (*groupRecord, error) {
	r, err := tx.RecordGet(ctx, tableGroup, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("scheduler: read schedule group: %w", err)
	}
	return decodeGroup(r)
}

func decodeGroup(r *store.Record) (*groupRecord, error) {
	var g groupRecord
	if err := json.Unmarshal(r.Value, &g); err != nil {
		return nil, fmt.Errorf("scheduler: decode schedule group %s: %w", r.Key, err)
	}
	g.rev = r.Version
	return &g, nil
}

// findGroup returns the group, the implicit default group when it has no
// record, or nil.
func findGroup(ctx context.Context, tx store.Tx, sc scope, name string) (*groupRecord, error) {
	g, err := loadGroup(ctx, tx, sc.groupKey(name))
	if err != nil || g != nil {
		return g, err
	}
	if name == DefaultGroup {
		return &groupRecord{Name: DefaultGroup}, nil
	}
	return nil, nil
}

func saveGroup(ctx context.Context, tx store.Tx, sc scope, g *groupRecord) error {
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("scheduler: encode schedule group: %w", err)
	}
	r := &store.Record{Table: tableGroup, Key: sc.groupKey(g.Name), Value: b, Version: g.rev}
	if g.rev == 0 {
		err = tx.RecordInsert(ctx, r)
	} else {
		err = tx.RecordPut(ctx, r)
	}
	if errors.Is(err, store.ErrConflict) || (g.rev != 0 && errors.Is(err, store.ErrNotFound)) {
		return errConflict("Schedule group " + g.Name)
	}
	if err != nil {
		return fmt.Errorf("scheduler: write schedule group: %w", err)
	}
	g.rev = r.Version
	return nil
}

// view runs fn in a read transaction; fn may run more than once
// (store.Store.View), so the result is the last run's.
func view[T any](ctx context.Context, st store.Store, fn func(tx store.Tx) (*T, error)) (*T, error) {
	return inTx(ctx, st.View, fn)
}

// update runs fn in a read-write transaction and returns what it built
// once that has committed.
func update[T any](ctx context.Context, st store.Store, fn func(tx store.Tx) (*T, error)) (*T, error) {
	return inTx(ctx, st.Update, fn)
}

func inTx[T any](ctx context.Context, run func(context.Context, func(store.Tx) error) error, fn func(tx store.Tx) (*T, error)) (*T, error) {
	var out *T
	err := run(ctx, func(tx store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Pagination tokens are base64 of the operation they belong to and the
// store key to resume after; anything else is a ValidationException.
type pageToken struct {
	Op    string `json:"o"`
	After string `json:"a"`
}

func encodeToken(op, after string) string {
	b, _ := json.Marshal(pageToken{Op: op, After: after}) // strings always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(op, tok, prefix string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", errInvalidNextToken()
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil || t.Op != op || !strings.HasPrefix(t.After, prefix) {
		return "", errInvalidNextToken()
	}
	return t.After, nil
}
