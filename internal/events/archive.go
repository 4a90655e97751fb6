package events

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/pattern"
	"github.com/shoal-dev/shoal/internal/store"
)

// Archives: a record per archive and a log of the events it kept.
const (
	tableArchive = "events.archive"
	archiveState = "ENABLED"
)

var archiveNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)

type CreateArchiveInput struct {
	ArchiveName      string `json:"ArchiveName" aws:"required,min=1,max=48"`
	EventSourceArn   string `json:"EventSourceArn" aws:"required,min=1,max=1600"`
	Description      string `json:"Description,omitempty" aws:"max=512"`
	EventPattern     string `json:"EventPattern,omitempty" aws:"max=4096"`
	RetentionDays    *int32 `json:"RetentionDays,omitempty" aws:"min=0"`
	KmsKeyIdentifier string `json:"KmsKeyIdentifier,omitempty" aws:"max=2048"`
}

type CreateArchiveOutput struct {
	ArchiveArn   string     `json:"ArchiveArn,omitempty"`
	State        string     `json:"State,omitempty"`
	StateReason  string     `json:"StateReason,omitempty"`
	CreationTime *time.Time `json:"CreationTime,omitempty"`
}

type DescribeArchiveInput struct {
	ArchiveName string `json:"ArchiveName" aws:"required,min=1,max=48"`
}

type DescribeArchiveOutput struct {
	ArchiveArn       string     `json:"ArchiveArn,omitempty"`
	ArchiveName      string     `json:"ArchiveName,omitempty"`
	EventSourceArn   string     `json:"EventSourceArn,omitempty"`
	Description      string     `json:"Description,omitempty"`
	EventPattern     string     `json:"EventPattern,omitempty"`
	State            string     `json:"State,omitempty"`
	StateReason      string     `json:"StateReason,omitempty"`
	KmsKeyIdentifier string     `json:"KmsKeyIdentifier,omitempty"`
	RetentionDays    int32      `json:"RetentionDays"`
	SizeBytes        int64      `json:"SizeBytes"`
	EventCount       int64      `json:"EventCount"`
	CreationTime     *time.Time `json:"CreationTime,omitempty"`
}

type ListArchivesInput struct {
	NamePrefix     string `json:"NamePrefix,omitempty" aws:"min=1,max=48"`
	EventSourceArn string `json:"EventSourceArn,omitempty" aws:"min=1,max=1600"`
	State          string `json:"State,omitempty" aws:"enum=ENABLED|DISABLED|CREATING|UPDATING|CREATE_FAILED|UPDATE_FAILED"`
	NextToken      string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit          *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type Archive struct {
	ArchiveName    string     `json:"ArchiveName,omitempty"`
	EventSourceArn string     `json:"EventSourceArn,omitempty"`
	State          string     `json:"State,omitempty"`
	StateReason    string     `json:"StateReason,omitempty"`
	RetentionDays  int32      `json:"RetentionDays"`
	SizeBytes      int64      `json:"SizeBytes"`
	EventCount     int64      `json:"EventCount"`
	CreationTime   *time.Time `json:"CreationTime,omitempty"`
}

type ListArchivesOutput struct {
	Archives  []Archive `json:"Archives"`
	NextToken string    `json:"NextToken,omitempty"`
}

type UpdateArchiveInput struct {
	ArchiveName      string  `json:"ArchiveName" aws:"required,min=1,max=48"`
	Description      *string `json:"Description,omitempty" aws:"max=512"`
	EventPattern     *string `json:"EventPattern,omitempty" aws:"max=4096"`
	RetentionDays    *int32  `json:"RetentionDays,omitempty" aws:"min=0"`
	KmsKeyIdentifier *string `json:"KmsKeyIdentifier,omitempty" aws:"max=2048"`
}

type UpdateArchiveOutput CreateArchiveOutput

type DeleteArchiveInput DescribeArchiveInput

// archiveRecord is an archive. Its events are the log archiveLog(name),
// one archived entry each, in the order the bus accepted them.
type archiveRecord struct {
	Name             string    `json:"name"`
	Bus              string    `json:"bus"`
	EventPattern     string    `json:"eventPattern,omitempty"`
	Description      string    `json:"description,omitempty"`
	RetentionDays    int32     `json:"retentionDays"`
	KmsKeyIdentifier string    `json:"kmsKeyIdentifier,omitempty"`
	Created          time.Time `json:"created"`
	EventCount       int64     `json:"eventCount"`
	SizeBytes        int64     `json:"sizeBytes"`
	// Expired is the sequence number of the last event deleted for age
	// (retention.go); Base is how many entries the log had when it was
	// last deleted whole, so entry n of the log is event Base+n.
	Expired int64 `json:"expired,omitempty"`
	Base    int64 `json:"base,omitempty"`
	// ExpiryDue is when the retention job is planned; zero when none is.
	ExpiryDue time.Time `json:"expiryDue,omitzero"`
}

// archived is one entry of an archive's log.
type archived struct {
	Ingested time.Time       `json:"t"`
	Event    json.RawMessage `json:"e"`
}

func (sc scope) archiveKey(name string) string { return sc.prefix() + name }

func (sc scope) archiveLog(name string) string {
	return "events.archive/" + sc.account + "/" + sc.region + "/" + name
}

func (sc scope) archiveArn(name string) string {
	return "arn:" + sc.partition() + ":events:" + sc.region + ":" + sc.account + ":archive/" + name
}

// archiveMatch is one archive in a bus's in-memory list; p nil matches
// every event (an archive without a pattern keeps everything).
type archiveMatch struct {
	name string
	p    *pattern.Pattern
}

// matchArchives returns the archives of the bus that keep event. It reads
// the copy-on-write list without locking.
func (s *Service) matchArchives(sc scope, bus string, event []byte) []string {
	v, ok := s.archives.Load(sc.busKey(bus))
	if !ok {
		return nil
	}
	var out []string
	for _, a := range v.([]archiveMatch) {
		if a.p == nil {
			out = append(out, a.name)
		} else if ok, _ := a.p.Match(event); ok {
			out = append(out, a.name)
		}
	}
	return out
}

// setArchive replaces (r nil: removes) an archive in its bus's list;
// callers hold refresh.
func (s *Service) setArchive(sc scope, name string, r *archiveRecord) {
	if r == nil {
		s.archives.Range(func(k, v any) bool {
			if strings.HasPrefix(k.(string), sc.prefix()) {
				list := slices.DeleteFunc(slices.Clone(v.([]archiveMatch)), func(a archiveMatch) bool { return a.name == name })
				s.archives.Store(k, list)
			}
			return true
		})
		return
	}
	key := sc.busKey(r.Bus)
	var list []archiveMatch
	if v, ok := s.archives.Load(key); ok {
		list = slices.DeleteFunc(slices.Clone(v.([]archiveMatch)), func(a archiveMatch) bool { return a.name == name })
	}
	m := archiveMatch{name: name}
	if r.EventPattern != "" {
		p, err := pattern.Compile([]byte(r.EventPattern))
		if err != nil {
			return
		}
		m.p = p
	}
	s.archives.Store(key, append(list, m))
}

// refreshArchive brings the in-memory list in line with the archive as
// committed.
func (s *Service) refreshArchive(ctx context.Context, sc scope, name string) {
	s.refresh.Lock()
	defer s.refresh.Unlock()
	var r *archiveRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		r, _, err = getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(name))
		return err
	})
	if err != nil {
		return
	}
	s.setArchive(sc, name, nil)
	if r != nil {
		s.setArchive(sc, name, r)
	}
}

// loadArchives fills the lists at Start; callers hold refresh.
func (s *Service) loadArchives(ctx context.Context, tx store.Tx) error {
	s.archives.Clear()
	recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableArchive})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		var r archiveRecord
		if json.Unmarshal(rec.Value, &r) != nil {
			continue
		}
		p := strings.SplitN(rec.Key, "/", 3)
		if len(p) == 3 {
			s.setArchive(scope{account: p[0], region: p[1]}, r.Name, &r)
		}
	}
	return nil
}

// archiveEvent appends an accepted event to an archive and counts it, in
// the transaction that accepts the event.
func archiveEvent(ctx context.Context, tx store.Tx, sc scope, name string, event []byte, now time.Time) error {
	r, rev, err := getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(name))
	if err != nil || r == nil {
		return err // deleted since the match: nothing to keep
	}
	if _, err := tx.LogAppend(ctx, sc.archiveLog(name), archiveEntry(now, event)); err != nil {
		return err
	}
	r.EventCount++
	r.SizeBytes += int64(len(event))
	if r.RetentionDays > 0 && r.ExpiryDue.IsZero() {
		if err := planExpiry(ctx, tx, sc, r, now.Add(r.retention())); err != nil {
			return err
		}
	}
	return putArchive(ctx, tx, sc, r, rev)
}

// archiveEntry encodes an archived entry. It is written by hand rather
// than with json.Marshal, which would HTML-escape the event's <, > and &:
// the event must come back byte for byte, so that retention subtracts
// exactly the SizeBytes archiving added and a replay delivers what the
// bus accepted.
func archiveEntry(t time.Time, event []byte) []byte {
	b := make([]byte, 0, len(event)+48)
	b = append(b, `{"t":"`...)
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","e":`...)
	b = append(b, event...)
	return append(b, '}')
}

func putArchive(ctx context.Context, tx store.Tx, sc scope, r *archiveRecord, rev int64) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	rec := &store.Record{Table: tableArchive, Key: sc.archiveKey(r.Name), Value: v, Version: rev}
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

func checkArchiveName(name string) error {
	if !archiveNameRE.MatchString(name) {
		return errConstraint(name, "archiveName", `Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`)
	}
	return nil
}

// busOfArn resolves an event bus ARN in the caller's account and region.
func busOfArn(sc scope, arn, path string) (string, error) {
	m := resourceRE.FindStringSubmatch(arn)
	if m == nil || m[3] != "event-bus" {
		return "", errValidation("Parameter %s is not valid. Reason: Provided Arn is not in correct format.", path)
	}
	if m[1] != sc.region || m[2] != sc.account {
		return "", errValidation("Parameter %s is not valid. Reason: the event bus must be in the caller's account and Region.", path)
	}
	return m[4], nil
}

func errArchiveNotFound(name string) error {
	return newErr("ResourceNotFoundException", "Archive %s does not exist.", name)
}

// CreateArchive creates an archive of a bus's events: from now on every
// event the bus accepts that matches EventPattern (all, without one) is
// kept, in the transaction that accepts it.
func (s *Service) CreateArchive(ctx context.Context, in *CreateArchiveInput) (*CreateArchiveOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkArchiveName(in.ArchiveName); err != nil {
		return nil, err
	}
	bus, err := busOfArn(sc, in.EventSourceArn, "EventSourceArn")
	if err != nil {
		return nil, err
	}
	if in.EventPattern != "" {
		if _, err := pattern.Compile([]byte(in.EventPattern)); err != nil {
			return nil, errInvalidEventPattern(err.Error())
		}
	}
	now := s.now()
	r := &archiveRecord{Name: in.ArchiveName, Bus: bus, EventPattern: in.EventPattern, Description: in.Description,
		KmsKeyIdentifier: in.KmsKeyIdentifier, Created: now}
	if in.RetentionDays != nil {
		r.RetentionDays = *in.RetentionDays
	}
	out, err := update(ctx, s.st, func(tx store.Tx) (*CreateArchiveOutput, error) {
		if err := requireBus(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		cur, _, err := getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(in.ArchiveName))
		if err != nil {
			return nil, err
		}
		if cur != nil {
			return nil, newErr("ResourceAlreadyExistsException", "Archive %s already exists.", in.ArchiveName)
		}
		if err := putArchive(ctx, tx, sc, r, 0); err != nil {
			return nil, err
		}
		return &CreateArchiveOutput{ArchiveArn: sc.archiveArn(in.ArchiveName), State: archiveState, CreationTime: &now}, nil
	})
	if err != nil {
		return nil, err
	}
	s.refreshArchive(ctx, sc, in.ArchiveName)
	return out, nil
}

// DescribeArchive describes an archive.
func (s *Service) DescribeArchive(ctx context.Context, in *DescribeArchiveInput) (*DescribeArchiveOutput, error) {
	sc := scopeFrom(ctx)
	return view(ctx, s.st, func(tx store.Tx) (*DescribeArchiveOutput, error) {
		r, _, err := getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(in.ArchiveName))
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, errArchiveNotFound(in.ArchiveName)
		}
		return &DescribeArchiveOutput{ArchiveArn: sc.archiveArn(r.Name), ArchiveName: r.Name, EventSourceArn: sc.busArn(r.Bus),
			Description: r.Description, EventPattern: r.EventPattern, State: archiveState, KmsKeyIdentifier: r.KmsKeyIdentifier,
			RetentionDays: r.RetentionDays, SizeBytes: r.SizeBytes, EventCount: r.EventCount, CreationTime: &r.Created}, nil
	})
}

// ListArchives lists archives in name order.
func (s *Service) ListArchives(ctx context.Context, in *ListArchivesInput) (*ListArchivesOutput, error) {
	sc := scopeFrom(ctx)
	after, err := decodeToken("ListArchives", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListArchivesOutput, error) {
		afterKey := ""
		if after != "" {
			afterKey = sc.archiveKey(after)
		}
		items, next, err := listByName(ctx, tx, tableArchive, sc.prefix()+in.NamePrefix, afterKey, limit,
			func(r *archiveRecord) bool {
				return (in.EventSourceArn == "" || in.EventSourceArn == sc.busArn(r.Bus)) && (in.State == "" || in.State == archiveState)
			},
			func(r *archiveRecord) (Archive, string) {
				return Archive{ArchiveName: r.Name, EventSourceArn: sc.busArn(r.Bus), State: archiveState,
					RetentionDays: r.RetentionDays, SizeBytes: r.SizeBytes, EventCount: r.EventCount, CreationTime: &r.Created}, r.Name
			})
		if err != nil {
			return nil, err
		}
		out := &ListArchivesOutput{Archives: items}
		if next != "" {
			out.NextToken = encodeToken("ListArchives", next)
		}
		return out, nil
	})
}

// UpdateArchive changes the members given.
func (s *Service) UpdateArchive(ctx context.Context, in *UpdateArchiveInput) (*UpdateArchiveOutput, error) {
	sc := scopeFrom(ctx)
	if in.EventPattern != nil && *in.EventPattern != "" {
		if _, err := pattern.Compile([]byte(*in.EventPattern)); err != nil {
			return nil, errInvalidEventPattern(err.Error())
		}
	}
	out, err := update(ctx, s.st, func(tx store.Tx) (*UpdateArchiveOutput, error) {
		r, rev, err := getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(in.ArchiveName))
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, errArchiveNotFound(in.ArchiveName)
		}
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.EventPattern != nil {
			r.EventPattern = *in.EventPattern
		}
		if in.RetentionDays != nil && *in.RetentionDays != r.RetentionDays {
			// A new retention applies to the events already kept: the job,
			// due now, works out what has expired and when next to run.
			r.RetentionDays = *in.RetentionDays
			if r.RetentionDays > 0 {
				err = planExpiry(ctx, tx, sc, r, s.now())
			} else {
				err = cancelExpiry(ctx, tx, sc, r)
			}
			if err != nil {
				return nil, err
			}
		}
		if in.KmsKeyIdentifier != nil {
			r.KmsKeyIdentifier = *in.KmsKeyIdentifier
		}
		if err := putArchive(ctx, tx, sc, r, rev); err != nil {
			return nil, err
		}
		return &UpdateArchiveOutput{ArchiveArn: sc.archiveArn(r.Name), State: archiveState, CreationTime: &r.Created}, nil
	})
	if err != nil {
		return nil, err
	}
	s.refreshArchive(ctx, sc, in.ArchiveName)
	// Under a manual clock, expire at once what the new retention deletes.
	s.retention.Notify(context.WithoutCancel(ctx))
	return out, nil
}

// DeleteArchive deletes an archive and the events it kept.
func (s *Service) DeleteArchive(ctx context.Context, in *DeleteArchiveInput) (*Empty, error) {
	sc := scopeFrom(ctx)
	_, err := update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		if err := tx.RecordDelete(ctx, tableArchive, sc.archiveKey(in.ArchiveName)); errors.Is(err, store.ErrNotFound) {
			return nil, errArchiveNotFound(in.ArchiveName)
		} else if err != nil {
			return nil, err
		}
		if err := cancelExpiry(ctx, tx, sc, &archiveRecord{Name: in.ArchiveName}); err != nil {
			return nil, err
		}
		return &Empty{}, tx.LogDelete(ctx, sc.archiveLog(in.ArchiveName))
	})
	if err != nil {
		return nil, err
	}
	s.refreshArchive(ctx, sc, in.ArchiveName)
	return &Empty{}, nil
}
