package ssm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Tables and indexes (doc.go describes the layout).
const (
	tableParameter = "ssm.parameter"
	tableVersion   = "ssm.version"
	tableKey       = "ssm.key"
	// indexParent holds "<account>/<region>/<parent path>" so a
	// non-recursive GetParametersByPath reads only the direct children.
	indexParent = "parent"
	scanBatch   = 100
)

// scope is the account and region every parameter belongs to.
type scope struct{ account, region string }

func (sc scope) prefix() string { return sc.account + "/" + sc.region + "/" }

func (sc scope) paramKey(name string) string { return sc.prefix() + name }

// versionPrefix ends in ':', a character no name may contain, so the
// versions of "/a" and of "/a/b" never share a prefix.
func (sc scope) versionPrefix(name string) string { return sc.prefix() + name + ":" }

func (sc scope) versionKey(name string, v int64) string {
	return fmt.Sprintf("%s%020d", sc.versionPrefix(name), v)
}

func (sc scope) parentValue(path string) string { return sc.prefix() + path }

func (sc scope) keyKey(keyID string) string { return sc.prefix() + keyID }

func (sc scope) partition() string {
	switch {
	case strings.HasPrefix(sc.region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(sc.region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// arn is the parameter's ARN; a name's leading slash is not doubled.
func (sc scope) arn(name string) string {
	return "arn:" + sc.partition() + ":ssm:" + sc.region + ":" + sc.account + ":parameter/" + strings.TrimPrefix(name, "/")
}

// paramRecord is a parameter: its latest version in full, the retained
// version range, labels and tags.
type paramRecord struct {
	Name    string           `json:"name"`
	Oldest  int64            `json:"oldest"` // versions Oldest..Current.Version are kept
	Labels  map[string]int64 `json:"labels,omitempty"`
	Tags    []Tag            `json:"tags,omitempty"`
	Current versionRecord    `json:"current"`

	rev int64 // the store's record version, for the guarded write back
}

// versionRecord is one version. Value is the plaintext, or for a
// SecureString the sealed base64 form.
type versionRecord struct {
	Version        int64     `json:"version"`
	Type           string    `json:"type"`
	KeyID          string    `json:"keyId,omitempty"`
	Description    string    `json:"description,omitempty"`
	AllowedPattern string    `json:"allowedPattern,omitempty"`
	Tier           string    `json:"tier"`
	DataType       string    `json:"dataType"`
	Policies       []policy  `json:"policies,omitempty"`
	Value          string    `json:"value"`
	Modified       time.Time `json:"modified"`
	ModifiedBy     string    `json:"modifiedBy"`
}

// labelsOf returns the labels on version v, sorted.
func (p *paramRecord) labelsOf(v int64) []string {
	var out []string
	for l, lv := range p.Labels {
		if lv == v {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

func (p *paramRecord) hasVersion(v int64) bool { return v >= p.Oldest && v <= p.Current.Version }

func decodeParam(r *store.Record) (*paramRecord, error) {
	var p paramRecord
	if err := json.Unmarshal(r.Value, &p); err != nil {
		return nil, fmt.Errorf("ssm: decode parameter %s: %w", r.Key, err)
	}
	p.rev = r.Version
	return &p, nil
}

// loadParam returns the parameter or nil when there is none.
func loadParam(ctx context.Context, tx store.Tx, sc scope, name string) (*paramRecord, error) {
	r, err := tx.RecordGet(ctx, tableParameter, sc.paramKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ssm: read parameter: %w", err)
	}
	return decodeParam(r)
}

// saveParam writes p back, guarded by the version it was read at, so two
// writers racing on one parameter cannot both win; the loser gets AWS's
// TooManyUpdates.
func saveParam(ctx context.Context, tx store.Tx, sc scope, p *paramRecord) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("ssm: encode parameter: %w", err)
	}
	r := &store.Record{
		Table:   tableParameter,
		Key:     sc.paramKey(p.Name),
		Value:   b,
		Version: p.rev,
		Indexes: map[string]string{indexParent: sc.parentValue(parentOf(p.Name))},
	}
	if p.rev == 0 {
		err = tx.RecordInsert(ctx, r)
	} else {
		err = tx.RecordPut(ctx, r)
	}
	if errors.Is(err, store.ErrConflict) || (p.rev != 0 && errors.Is(err, store.ErrNotFound)) {
		return errTooManyUpdates()
	}
	if err != nil {
		return fmt.Errorf("ssm: write parameter: %w", err)
	}
	p.rev = r.Version
	return nil
}

// deleteParam removes a parameter and every version it keeps.
func deleteParam(ctx context.Context, tx store.Tx, sc scope, p *paramRecord) error {
	if err := tx.RecordDelete(ctx, tableParameter, sc.paramKey(p.Name)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errTooManyUpdates()
		}
		return fmt.Errorf("ssm: delete parameter: %w", err)
	}
	for v := p.Oldest; v <= p.Current.Version; v++ {
		err := tx.RecordDelete(ctx, tableVersion, sc.versionKey(p.Name, v))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("ssm: delete parameter version: %w", err)
		}
	}
	return nil
}

func putVersion(ctx context.Context, tx store.Tx, sc scope, name string, v *versionRecord) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("ssm: encode version: %w", err)
	}
	if err := tx.RecordPut(ctx, &store.Record{Table: tableVersion, Key: sc.versionKey(name, v.Version), Value: b}); err != nil {
		return fmt.Errorf("ssm: write version: %w", err)
	}
	return nil
}

func deleteVersion(ctx context.Context, tx store.Tx, sc scope, name string, v int64) error {
	err := tx.RecordDelete(ctx, tableVersion, sc.versionKey(name, v))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("ssm: delete version: %w", err)
	}
	return nil
}

// loadVersion returns version v of p; the latest comes from p itself.
func loadVersion(ctx context.Context, tx store.Tx, sc scope, p *paramRecord, v int64) (*versionRecord, error) {
	if v == p.Current.Version {
		return &p.Current, nil
	}
	r, err := tx.RecordGet(ctx, tableVersion, sc.versionKey(p.Name, v))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errParameterVersionNotFound(p.Name, strconv.FormatInt(v, 10))
	}
	if err != nil {
		return nil, fmt.Errorf("ssm: read version: %w", err)
	}
	var out versionRecord
	if err := json.Unmarshal(r.Value, &out); err != nil {
		return nil, fmt.Errorf("ssm: decode version %s: %w", r.Key, err)
	}
	return &out, nil
}

// scanVersions lists versions of name after the version key after (""
// for the first), oldest first, with the key of each.
func scanVersions(ctx context.Context, tx store.Tx, sc scope, name, after string, limit int) ([]versionRecord, []string, error) {
	recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableVersion, Prefix: sc.versionPrefix(name), After: after, Limit: limit})
	if err != nil {
		return nil, nil, fmt.Errorf("ssm: scan versions: %w", err)
	}
	out := make([]versionRecord, len(recs))
	keys := make([]string, len(recs))
	for i := range recs {
		if err := json.Unmarshal(recs[i].Value, &out[i]); err != nil {
			return nil, nil, fmt.Errorf("ssm: decode version %s: %w", recs[i].Key, err)
		}
		keys[i] = recs[i].Key
	}
	return out, keys, nil
}

type dataKeyRecord struct {
	Key []byte `json:"key"`
}

// dataKey returns the data key standing in for KMS key keyID, making it
// when create is set and there is none yet.
func dataKey(ctx context.Context, tx store.Tx, sc scope, keyID string, create bool) ([]byte, error) {
	r, err := tx.RecordGet(ctx, tableKey, sc.keyKey(keyID))
	switch {
	case err == nil:
		var k dataKeyRecord
		if err := json.Unmarshal(r.Value, &k); err != nil {
			return nil, fmt.Errorf("ssm: decode data key: %w", err)
		}
		return k.Key, nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("ssm: read data key: %w", err)
	case !create:
		return nil, fmt.Errorf("ssm: no data key for %s in %s", keyID, sc.prefix())
	}
	k, err := newDataKey()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(dataKeyRecord{Key: k})
	if err != nil {
		return nil, fmt.Errorf("ssm: encode data key: %w", err)
	}
	if err := tx.RecordInsert(ctx, &store.Record{Table: tableKey, Key: sc.keyKey(keyID), Value: b}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, errTooManyUpdates()
		}
		return nil, fmt.Errorf("ssm: write data key: %w", err)
	}
	return k, nil
}

// keyCache remembers data keys for the length of one request, so listing
// many SecureStrings under one key reads it once.
type keyCache struct {
	tx   store.Tx
	sc   scope
	keys map[string][]byte
}

func (c *keyCache) get(ctx context.Context, keyID string) ([]byte, error) {
	if k, ok := c.keys[keyID]; ok {
		return k, nil
	}
	k, err := dataKey(ctx, c.tx, c.sc, keyID, false)
	if err != nil {
		return nil, err
	}
	if c.keys == nil {
		c.keys = map[string][]byte{}
	}
	c.keys[keyID] = k
	return k, nil
}

// scanParams walks parameters in scan order from the cursor after, calling
// keep for each; it stops once it has limit kept records and knows whether one
// more exists. next is the cursor to resume after the last kept record,
// empty when nothing is left. A cursor is the key of the last record seen,
// or for an index scan "<index value>\x00<key>" as the store wants.
func scanParams(ctx context.Context, tx store.Tx, ps store.RecordScanParams, after string, limit int, keep func(*paramRecord) (bool, error)) (out []*paramRecord, next string, err error) {
	ps.Table = tableParameter
	ps.After = after
	ps.Limit = scanBatch
	var lastKept string
	for {
		recs, err := tx.RecordScan(ctx, &ps)
		if err != nil {
			return nil, "", fmt.Errorf("ssm: scan parameters: %w", err)
		}
		for i := range recs {
			p, err := decodeParam(&recs[i])
			if err != nil {
				return nil, "", err
			}
			ok, err := keep(p)
			if err != nil {
				return nil, "", err
			}
			if !ok {
				continue
			}
			if len(out) == limit {
				// One more match exists: the page ends at the last kept one.
				return out, lastKept, nil
			}
			out = append(out, p)
			lastKept = cursorOf(&ps, &recs[i])
		}
		if len(recs) < ps.Limit {
			return out, "", nil
		}
		ps.After = cursorOf(&ps, &recs[len(recs)-1])
	}
}

func cursorOf(ps *store.RecordScanParams, r *store.Record) string {
	if ps.Index == "" {
		return r.Key
	}
	v := r.Indexes[ps.Index]
	if ps.Value != nil {
		v = *ps.Value
	}
	return v + "\x00" + r.Key
}

// view runs fn in a read-only transaction and returns what it built, or
// nil and fn's error.
func view[T any](ctx context.Context, st store.Store, fn func(tx store.Tx) (*T, error)) (*T, error) {
	return inTx(ctx, st.View, fn)
}

// update runs fn in a read-write transaction and returns what it built once
// that has committed. fn may run more than once (store.Store.Update), so its
// result is the last run's.
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
