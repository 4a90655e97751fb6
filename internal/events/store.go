package events

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

// Tables, queue and logs (doc.go describes the layout).
const (
	tableBus  = "events.bus"
	tableRule = "events.rule"
	// QueueDelivery holds one job per (accepted event, matched rule, target).
	QueueDelivery = "events.delivery"
	scanBatch     = 200
)

// scope is the account and region every bus and rule belongs to.
type scope struct{ account, region string }

func (sc scope) prefix() string { return sc.account + "/" + sc.region + "/" }

func (sc scope) busKey(bus string) string { return sc.prefix() + bus }

// ruleKey separates bus and rule with '|', which neither name may contain,
// so one bus's rules never share a prefix with another bus's.
func (sc scope) ruleKey(bus, rule string) string { return sc.prefix() + bus + "|" + rule }

func (sc scope) rulePrefix(bus string) string { return sc.prefix() + bus + "|" }

func (sc scope) deadLetterLog() string { return "events.deadletter/" + sc.account + "/" + sc.region }

func (sc scope) partition() string {
	switch {
	case strings.HasPrefix(sc.region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(sc.region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func (sc scope) busArn(bus string) string {
	return "arn:" + sc.partition() + ":events:" + sc.region + ":" + sc.account + ":event-bus/" + bus
}

// ruleArn is rule/<name> on the default bus and rule/<bus>/<name> elsewhere.
func (sc scope) ruleArn(bus, rule string) string {
	base := "arn:" + sc.partition() + ":events:" + sc.region + ":" + sc.account + ":rule/"
	if bus == DefaultBus {
		return base + rule
	}
	return base + bus + "/" + rule
}

// busRecord is a custom event bus, or the default bus once it has tags.
type busRecord struct {
	Name             string            `json:"name"`
	Description      string            `json:"description,omitempty"`
	KmsKeyIdentifier string            `json:"kmsKeyIdentifier,omitempty"`
	DeadLetterConfig *DeadLetterConfig `json:"deadLetterConfig,omitempty"`
	LogConfig        *LogConfig        `json:"logConfig,omitempty"`
	Policy           string            `json:"policy,omitempty"` // the resource policy, PutPermission's
	Tags             []Tag             `json:"tags,omitempty"`
	Created          time.Time         `json:"created"`
	Modified         time.Time         `json:"modified"`
}

// ruleRecord is a rule with its targets (at most five, so they live in the
// rule's record and a PutEvents reads one record per matched rule).
type ruleRecord struct {
	Name               string    `json:"name"`
	Bus                string    `json:"bus"`
	EventPattern       string    `json:"eventPattern,omitempty"`
	ScheduleExpression string    `json:"scheduleExpression,omitempty"`
	State              string    `json:"state"`
	Description        string    `json:"description,omitempty"`
	RoleArn            string    `json:"roleArn,omitempty"`
	ManagedBy          string    `json:"managedBy,omitempty"`
	CreatedBy          string    `json:"createdBy,omitempty"`
	Tags               []Tag     `json:"tags,omitempty"`
	Targets            []Target  `json:"targets,omitempty"`
	Created            time.Time `json:"created"`
	// ScheduleAnchor is where a rate schedule's grid starts: when the
	// expression was set or the rule last enabled.
	ScheduleAnchor time.Time `json:"scheduleAnchor,omitzero"`

	rev int64 // the store's record version, for the guarded write back
}

// matchable reports whether the rule takes part in matching at all.
func (r *ruleRecord) matchable() bool {
	return r.EventPattern != "" && r.State != StateDisabled
}

func getJSON[T any](ctx context.Context, tx store.Tx, table, key string) (*T, int64, error) {
	rec, err := tx.RecordGet(ctx, table, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("events: read %s: %w", table, err)
	}
	var v T
	if err := json.Unmarshal(rec.Value, &v); err != nil {
		return nil, 0, fmt.Errorf("events: decode %s %s: %w", table, rec.Key, err)
	}
	return &v, rec.Version, nil
}

func loadRule(ctx context.Context, tx store.Tx, sc scope, bus, name string) (*ruleRecord, error) {
	r, rev, err := getJSON[ruleRecord](ctx, tx, tableRule, sc.ruleKey(bus, name))
	if r != nil {
		r.rev = rev
	}
	return r, err
}

func loadBus(ctx context.Context, tx store.Tx, sc scope, bus string) (*busRecord, int64, error) {
	return getJSON[busRecord](ctx, tx, tableBus, sc.busKey(bus))
}

// putRule writes r, guarded by the version it was read at (0 = new).
func putRule(ctx context.Context, tx store.Tx, sc scope, r *ruleRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	rec := &store.Record{Table: tableRule, Key: sc.ruleKey(r.Bus, r.Name), Value: b, Version: r.rev}
	if r.rev == 0 {
		err = tx.RecordInsert(ctx, rec)
	} else {
		err = tx.RecordPut(ctx, rec)
	}
	if errors.Is(err, store.ErrConflict) {
		return errConcurrentModification()
	}
	return err
}

func putBus(ctx context.Context, tx store.Tx, sc scope, b *busRecord, rev int64) error {
	v, err := json.Marshal(b)
	if err != nil {
		return err
	}
	rec := &store.Record{Table: tableBus, Key: sc.busKey(b.Name), Value: v, Version: rev}
	if rev == 0 {
		err = tx.RecordInsert(ctx, rec)
	} else {
		err = tx.RecordPut(ctx, rec)
	}
	if errors.Is(err, store.ErrConflict) {
		return errConcurrentModification()
	}
	return err
}

// scanRules returns the rules of a bus whose names start with namePrefix,
// in name order, after the rule name after (exclusive), at most limit (0 =
// all).
func scanRules(ctx context.Context, tx store.Tx, sc scope, bus, namePrefix, after string, limit int) ([]*ruleRecord, error) {
	p := &store.RecordScanParams{Table: tableRule, Prefix: sc.rulePrefix(bus) + namePrefix, Limit: limit}
	if after != "" {
		p.After = sc.ruleKey(bus, after)
	}
	recs, err := tx.RecordScan(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("events: scan rules: %w", err)
	}
	out := make([]*ruleRecord, 0, len(recs))
	for _, rec := range recs {
		var r ruleRecord
		if err := json.Unmarshal(rec.Value, &r); err != nil {
			return nil, fmt.Errorf("events: decode rule %s: %w", rec.Key, err)
		}
		r.rev = rec.Version
		out = append(out, &r)
	}
	return out, nil
}

// countRecords counts the records of table under prefix, leaving out the
// one at key skip, and stops once it has seen limit: quota checks need
// only to know whether the count reached the quota.
func countRecords(ctx context.Context, tx store.Tx, table, prefix, skip string, limit int) (int, error) {
	recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: table, Prefix: prefix, Limit: limit + 1})
	if err != nil {
		return 0, fmt.Errorf("events: count %s: %w", table, err)
	}
	n := 0
	for _, r := range recs {
		if r.Key != skip {
			n++
		}
	}
	return min(n, limit), nil
}

// update runs fn in one store transaction and returns its result; a
// conflicting concurrent write is ConcurrentModificationException.
func update[T any](ctx context.Context, st store.Store, fn func(tx store.Tx) (*T, error)) (*T, error) {
	var out *T
	err := st.Update(ctx, func(tx store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, errConcurrentModification()
	}
	return out, err
}

func view[T any](ctx context.Context, st store.Store, fn func(tx store.Tx) (*T, error)) (*T, error) {
	var out *T
	err := st.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// Pagination tokens are base64 of "<operation>:<last name>", so a token of
// one listing is rejected by another.
func encodeToken(op, last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(op + ":" + last))
}

func decodeToken(op, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", errInvalidNextToken()
	}
	last, ok := strings.CutPrefix(string(b), op+":")
	if !ok {
		return "", errInvalidNextToken()
	}
	return last, nil
}

// listByName pages through the records of one table under prefix in name
// (key) order, as the List operations of named resources do: each record
// is decoded once, keep filters, and after limit items the name of the last
// one becomes the next token — given only when another kept record follows.
// afterKey is the store key of the previous page's last name, or "".
//
// It reads in batches of limit+1 records from afterKey on, so a page
// without filters costs one scan of limit+1 records, and the one record
// past the page tells whether a next page exists.
func listByName[R, I any](ctx context.Context, tx store.Tx, table, prefix, afterKey string, limit int,
	keep func(*R) bool, item func(*R) (I, string)) (items []I, last string, err error) {
	items = []I{}
	p := &store.RecordScanParams{Table: table, Prefix: prefix, After: afterKey, Limit: limit + 1}
	for {
		recs, err := tx.RecordScan(ctx, p)
		if err != nil {
			return nil, "", fmt.Errorf("events: list %s: %w", table, err)
		}
		for _, rec := range recs {
			var r R
			if err := json.Unmarshal(rec.Value, &r); err != nil {
				return nil, "", fmt.Errorf("events: decode %s %s: %w", table, rec.Key, err)
			}
			if !keep(&r) {
				continue
			}
			if len(items) == limit {
				return items, last, nil
			}
			var it I
			it, last = item(&r)
			items = append(items, it)
		}
		if len(recs) < p.Limit {
			return items, "", nil
		}
		p.After = recs[len(recs)-1].Key
	}
}
