package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/metrics"
	"github.com/shoal-dev/shoal/internal/pattern"
	"github.com/shoal-dev/shoal/internal/schedule"
	"github.com/shoal-dev/shoal/internal/store"
)

const (
	defaultAccount = "000000000000"
	defaultRegion  = "us-east-1"

	// maxTargetsPerRule is EventBridge's quota "Targets per rule".
	maxTargetsPerRule = 5
	// maxRulesPerBus is the default quota "Rules: 300 per event bus"; a
	// PutRule that would create one more fails with LimitExceededException.
	maxRulesPerBus = 300
	// maxBusesPerAccount is the quota "Event buses: 100 per account" (per
	// Region). AWS does not say whether the default bus counts; shoal
	// counts custom buses only, since every account has the default one
	// whether or not anyone created it.
	maxBusesPerAccount = 100
	defaultPage        = 100
)

// Config configures the service. Store and Clock are required; the
// registry the targets are invoked through is the one Register adds the
// service to.
type Config struct {
	Store  store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// NewID makes event ids; uuid.NewString when nil.
	NewID func() string
	// Owner names this process in job claims.
	Owner string
}

// Service is EventBridge. Rules, targets and buses live in the store; the
// only state of its own is a compiled matcher per bus, rebuilt from the
// store at Start and kept current by the rule operations.
type Service struct {
	st       store.Store
	clk      clock.Clock
	log      *slog.Logger
	newID    func() string
	registry *dispatch.Registry
	runner   *jobs.Runner // QueueDelivery
	// scheduler fires scheduled rules (QueueSchedule). Its handler only
	// writes to the store and never calls the registry, so its drain lock
	// is a leaf: taking it from inside another runner's drain is safe.
	scheduler *jobs.Runner
	// replays runs replays (QueueReplay); a leaf too, like scheduler.
	replays *jobs.Runner
	// retention deletes archived events past their archive's
	// RetentionDays (QueueRetention); a leaf too: it only writes the store.
	retention *jobs.Runner

	// matchers maps "<account>/<region>/<bus>" to its *pattern.Matcher.
	// PutEvents reads it without locking; a bus is present exactly when it
	// exists (the default bus is created on first use).
	matchers sync.Map
	// refresh serialises matcher writers: a rule change re-reads the rule
	// after its commit and applies it, and two of those must not apply out
	// of order. It is held across a read-only View, never an Update.
	refresh sync.Mutex
	// allEvents holds, per bus key, the names of rules in state
	// ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (guarded by refresh);
	// readOnlyBuses publishes which buses have any, for lock-free reads.
	allEvents     map[string]map[string]bool
	readOnlyBuses sync.Map
	// ruleVer is the rule version (rulesync.go) each bus's matcher was
	// built from (guarded by refresh); stopWatch ends the watcher of rule
	// changes made by other processes.
	ruleVer   map[string]int64
	stopWatch context.CancelFunc
	// archives maps a bus key to its archives ([]archiveMatch, replaced
	// whole under refresh, read without locking by PutEvents).
	archives sync.Map
	// decoded caches each matched rule decoded, by rule key
	// (*decodedRule, committedRule); entries are replaced whole.
	decoded sync.Map
	// handed holds the decoded delivery (*delivery) of each job handed to
	// the delivery runner at its commit (handover), by job id, until its
	// handler takes it; a job the runner drops at Stop leaves its entry
	// behind, a bounded (jobs.Config.Handoff) leak of a stopping service.
	handed sync.Map
	// web sends API destinations' HTTP requests, to loopback hosts only.
	web *httpSender
	// rates holds API destinations' invocation counts (a leaf lock).
	rates rateLimiter
	// metrics sums AWS/Events metrics per minute; metricsOut delivers
	// them to CloudWatch (metrics.go).
	metrics    *metrics.Aggregator
	metricsOut *metrics.Deliverer
}

// New returns the service; Register wires it to a registry and Start
// starts delivering.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NewID == nil {
		cfg.NewID = uuid.NewString
	}
	s := &Service{st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, newID: cfg.NewID, allEvents: map[string]map[string]bool{}, ruleVer: map[string]int64{}, web: newHTTPSender()}
	s.metrics = metrics.NewAggregator(eventsMetrics, cfg.Store, cfg.Clock, cfg.Logger)
	s.runner = jobs.New(jobs.Config{
		Store: cfg.Store, Clock: cfg.Clock, Queue: QueueDelivery, Handler: s.deliver,
		Logger: cfg.Logger, Owner: cfg.Owner,
		// Accepted events' deliveries are handed to the runner when they
		// commit (commit, handover); past handoffJobs in progress, they
		// are claimed from the store instead.
		Handoff: handoffJobs,
	})
	s.scheduler = jobs.New(jobs.Config{
		Store: cfg.Store, Clock: cfg.Clock, Queue: QueueSchedule, Handler: s.fire,
		Logger: cfg.Logger, Owner: cfg.Owner,
	})
	s.replays = jobs.New(jobs.Config{
		Store: cfg.Store, Clock: cfg.Clock, Queue: QueueReplay, Handler: s.runReplay,
		Logger: cfg.Logger, Owner: cfg.Owner,
	})
	s.retention = jobs.New(jobs.Config{
		Store: cfg.Store, Clock: cfg.Clock, Queue: QueueRetention, Handler: s.expireArchive,
		Logger: cfg.Logger, Owner: cfg.Owner,
	})
	return s
}

// Start loads every bus's rules into its matcher and starts delivering,
// beginning with deliveries a previous process left undone, and firing
// scheduled rules, beginning with firings missed while shoal was down.
func (s *Service) Start(ctx context.Context) error {
	// Subscribe before loading, so a change committed in between wakes
	// the watcher rather than being missed.
	wake, cancel := s.st.Wake(QueueRules)
	if err := s.load(ctx); err != nil {
		cancel()
		return err
	}
	watchCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopWatch = func() { stop(); cancel() }
	go s.watchRules(watchCtx, wake)
	if err := s.metrics.Start(ctx); err != nil {
		return err
	}
	if err := s.metricsOut.Start(ctx); err != nil {
		return err
	}
	if err := s.runner.Start(ctx); err != nil {
		return err
	}
	if err := s.replays.Start(ctx); err != nil {
		return err
	}
	if err := s.retention.Start(ctx); err != nil {
		return err
	}
	return s.scheduler.Start(ctx)
}

// Stop stops firing and delivering and waits for work in progress.
func (s *Service) Stop(ctx context.Context) error {
	if s.stopWatch != nil {
		s.stopWatch()
	}
	return errors.Join(s.metrics.Stop(ctx), s.metricsOut.Stop(ctx), s.scheduler.Stop(ctx), s.retention.Stop(ctx), s.replays.Stop(ctx), s.runner.Stop(ctx))
}

// Drain fires the scheduled rules due now, deletes the archived events that
// expired, runs the replays, and delivers everything due now before
// returning; tests use it instead of waiting for the background runners.
func (s *Service) Drain(ctx context.Context) {
	s.scheduler.Drain(ctx)
	s.retention.Drain(ctx)
	s.replays.Drain(ctx)
	s.runner.Drain(ctx)
	s.flushMetrics(ctx)
	s.metricsOut.Drain(ctx)
}

// notifySchedule hands a just-planned schedule to its runner, so under a
// manual clock its timer is armed before the request answers and a clock
// advance right after sees the firing. The schedule runner's handler never
// calls out, so this is safe from any caller (docs/locking.md).
func (s *Service) notifySchedule(ctx context.Context) {
	s.scheduler.Notify(context.WithoutCancel(ctx))
}

// Reload rebuilds the in-memory matchers and archive lists from the store;
// the server calls it after POST /_shoal/reset empties the store.
func (s *Service) Reload(ctx context.Context) error { return s.load(ctx) }

// load rebuilds all matchers from the store: one AddAll per bus.
func (s *Service) load(ctx context.Context) error {
	s.refresh.Lock()
	defer s.refresh.Unlock()
	perBus := map[string]map[string]*pattern.Pattern{}
	err := s.st.View(ctx, func(tx store.Tx) error {
		clear(perBus)
		clear(s.allEvents)
		s.readOnlyBuses.Clear()
		versions, err := ruleVersions(ctx, tx)
		if err != nil {
			return err
		}
		s.ruleVer = versions
		after := ""
		for {
			recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableBus, After: after, Limit: scanBatch})
			if err != nil {
				return err
			}
			for _, r := range recs {
				if _, ok := perBus[r.Key]; !ok {
					perBus[r.Key] = map[string]*pattern.Pattern{}
				}
			}
			if len(recs) < scanBatch {
				break
			}
			after = recs[len(recs)-1].Key
		}
		after = ""
		for {
			recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableRule, After: after, Limit: scanBatch})
			if err != nil {
				return err
			}
			for _, rec := range recs {
				busKey, name, _ := strings.Cut(rec.Key, "|")
				if perBus[busKey] == nil {
					perBus[busKey] = map[string]*pattern.Pattern{}
				}
				r, _, err := getJSON[ruleRecord](ctx, tx, tableRule, rec.Key)
				if err != nil || r == nil || !r.matchable() {
					continue
				}
				p, err := pattern.Compile([]byte(r.EventPattern))
				if err != nil {
					s.log.Warn("stored rule has an invalid pattern; skipped", "rule", rec.Key, "err", err)
					continue
				}
				perBus[busKey][name] = p
				s.noteState(busKey, name, r.State)
			}
			if len(recs) < scanBatch {
				break
			}
			after = recs[len(recs)-1].Key
		}
		return s.loadArchives(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("events: load rules: %w", err)
	}
	s.matchers.Clear()
	for key, ps := range perBus {
		m := pattern.NewMatcher()
		m.AddAll(ps)
		s.matchers.Store(key, m)
	}
	return nil
}

// matcher returns the bus's matcher; the default bus always has one.
func (s *Service) matcher(sc scope, bus string) (*pattern.Matcher, bool) {
	key := sc.busKey(bus)
	if m, ok := s.matchers.Load(key); ok {
		return m.(*pattern.Matcher), true
	}
	if bus != DefaultBus {
		return nil, false
	}
	m, _ := s.matchers.LoadOrStore(key, pattern.NewMatcher())
	return m.(*pattern.Matcher), true
}

// refreshRule brings the bus's matcher in line with the rule as committed.
func (s *Service) refreshRule(ctx context.Context, sc scope, bus, name string) {
	s.refresh.Lock()
	defer s.refresh.Unlock()
	var r *ruleRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		r, err = loadRule(ctx, tx, sc, bus, name)
		return err
	})
	m, ok := s.matcher(sc, bus)
	if err != nil || !ok {
		return
	}
	state := ""
	if r != nil {
		state = r.State
	}
	s.noteOwnChange(ctx, sc.busKey(bus))
	s.noteState(sc.busKey(bus), name, state)
	if r == nil {
		s.decoded.Delete(sc.ruleKey(bus, name))
	}
	if r == nil || !r.matchable() {
		m.Remove(name)
		return
	}
	if p, err := pattern.Compile([]byte(r.EventPattern)); err == nil {
		m.Add(name, p)
	}
}

// noteState records whether a rule takes read-only CloudTrail events;
// callers hold refresh.
func (s *Service) noteState(busKey, rule, state string) {
	set := s.allEvents[busKey]
	if state == StateEnabledCloudTrail {
		if set == nil {
			set = map[string]bool{}
			s.allEvents[busKey] = set
		}
		set[rule] = true
	} else {
		delete(set, rule)
	}
	s.readOnlyBuses.Store(busKey, len(set) > 0)
}

// ReceivesReadOnly reports whether a rule on the default bus of the
// account and region is in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS,
// i.e. whether read-only CloudTrail events have anywhere to go. It does not
// lock.
func (s *Service) ReceivesReadOnly(account, region string) bool {
	v, ok := s.readOnlyBuses.Load(scope{account: account, region: region}.busKey(DefaultBus))
	return ok && v.(bool)
}

// scopeFrom is the account and region the call runs in; in-process callers
// that set neither get shoal's defaults.
func scopeFrom(ctx context.Context) scope {
	c := dispatch.CallerFrom(ctx)
	sc := scope{account: c.AccountID, region: c.Region}
	if sc.account == "" {
		sc.account = defaultAccount
	}
	if sc.region == "" {
		sc.region = defaultRegion
	}
	return sc
}

func (s *Service) now() time.Time { return s.clk.Now().UTC().Truncate(time.Millisecond) }

var (
	ruleNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)
	busNameRE  = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]+$`)
	busArnRE   = regexp.MustCompile(`^arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus/([/\.\-_A-Za-z0-9]+)$`)
)

func checkRuleName(name, path string) error {
	if !ruleNameRE.MatchString(name) {
		return errConstraint(name, path, `Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`)
	}
	return nil
}

// busName resolves an EventBusName member (a name or an event bus ARN;
// empty means the default bus).
func busName(v, path string) (string, error) {
	if v == "" {
		return DefaultBus, nil
	}
	if strings.HasPrefix(v, "arn:") {
		m := busArnRE.FindStringSubmatch(v)
		if m == nil {
			return "", errConstraint(v, path, `Member must satisfy regular expression pattern: (arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/\.\-_A-Za-z0-9]+`)
		}
		return m[1], nil
	}
	if !busNameRE.MatchString(v) {
		return "", errConstraint(v, path, `Member must satisfy regular expression pattern: (arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/\.\-_A-Za-z0-9]+`)
	}
	return v, nil
}

// requireBus fails unless the bus exists (the default bus always does).
func requireBus(ctx context.Context, tx store.Tx, sc scope, bus string) error {
	if bus == DefaultBus {
		return nil
	}
	b, _, err := loadBus(ctx, tx, sc, bus)
	if err != nil {
		return err
	}
	if b == nil {
		return errBusNotFound(bus)
	}
	return nil
}

func mergeTags(cur, add []Tag) []Tag {
	out := slices.Clone(cur)
	for _, t := range add {
		i := slices.IndexFunc(out, func(x Tag) bool { return x.Key == t.Key })
		if i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	return out
}

func pageLimit(l *int32) int {
	if l == nil {
		return defaultPage
	}
	return int(*l)
}

// Event buses.

// CreateEventBus creates a custom event bus.
func (s *Service) CreateEventBus(ctx context.Context, in *CreateEventBusInput) (*CreateEventBusOutput, error) {
	sc := scopeFrom(ctx)
	if !busNameRE.MatchString(in.Name) {
		return nil, errConstraint(in.Name, "name", `Member must satisfy regular expression pattern: [/\.\-_A-Za-z0-9]+`)
	}
	if in.Name == DefaultBus {
		return nil, errBusExists(in.Name)
	}
	// Names with '/' belong to partner event sources (aws.partner/...),
	// which shoal does not have.
	if strings.Contains(in.Name, "/") || in.EventSourceName != "" {
		return nil, errValidation("Event source %s does not exist.", in.EventSourceName)
	}
	now := s.now()
	b := &busRecord{Name: in.Name, Description: in.Description, KmsKeyIdentifier: in.KmsKeyIdentifier,
		DeadLetterConfig: in.DeadLetterConfig, LogConfig: in.LogConfig, Tags: mergeTags(nil, in.Tags), Created: now, Modified: now}
	out, err := update(ctx, s.st, func(tx store.Tx) (*CreateEventBusOutput, error) {
		cur, _, err := loadBus(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		if cur != nil {
			return nil, errBusExists(in.Name)
		}
		if n, err := countRecords(ctx, tx, tableBus, sc.prefix(), sc.busKey(DefaultBus), maxBusesPerAccount); err != nil {
			return nil, err
		} else if n >= maxBusesPerAccount {
			return nil, errLimitExceeded()
		}
		if err := putBus(ctx, tx, sc, b, 0); err != nil {
			return nil, err
		}
		return &CreateEventBusOutput{EventBusArn: sc.busArn(in.Name), Description: in.Description,
			KmsKeyIdentifier: in.KmsKeyIdentifier, DeadLetterConfig: in.DeadLetterConfig, LogConfig: in.LogConfig}, nil
	})
	if err != nil {
		return nil, err
	}
	s.matchers.LoadOrStore(sc.busKey(in.Name), pattern.NewMatcher())
	return out, nil
}

// DescribeEventBus describes a bus; without a name, the default bus.
func (s *Service) DescribeEventBus(ctx context.Context, in *DescribeEventBusInput) (*DescribeEventBusOutput, error) {
	sc := scopeFrom(ctx)
	name, err := busName(in.Name, "name")
	if err != nil {
		return nil, err
	}
	return view(ctx, s.st, func(tx store.Tx) (*DescribeEventBusOutput, error) {
		b, _, err := loadBus(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		out := &DescribeEventBusOutput{Name: name, Arn: sc.busArn(name)}
		if b == nil {
			if name != DefaultBus {
				return nil, errBusNotFound(name)
			}
			return out, nil
		}
		out.Description, out.KmsKeyIdentifier, out.DeadLetterConfig, out.LogConfig = b.Description, b.KmsKeyIdentifier, b.DeadLetterConfig, b.LogConfig
		out.Policy = b.Policy
		if !b.Created.IsZero() {
			out.CreationTime, out.LastModifiedTime = &b.Created, &b.Modified
		}
		return out, nil
	})
}

// UpdateEventBus changes a bus's description, key, dead-letter and log
// configuration. The API reference says a request without
// KmsKeyIdentifier means an AWS owned key, so that member is always
// replaced; Description, DeadLetterConfig and LogConfig are replaced only
// when given (AWS does not say; clearing a description nobody mentioned
// would surprise more).
func (s *Service) UpdateEventBus(ctx context.Context, in *UpdateEventBusInput) (*UpdateEventBusOutput, error) {
	sc := scopeFrom(ctx)
	name := in.Name
	if name == "" {
		name = DefaultBus
	}
	if !busNameRE.MatchString(name) {
		return nil, errConstraint(name, "name", `Member must satisfy regular expression pattern: [/\.\-_A-Za-z0-9]+`)
	}
	return update(ctx, s.st, func(tx store.Tx) (*UpdateEventBusOutput, error) {
		b, rev, err := s.busForPolicy(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		b.KmsKeyIdentifier = in.KmsKeyIdentifier
		if in.Description != nil {
			b.Description = *in.Description
		}
		if in.DeadLetterConfig != nil {
			b.DeadLetterConfig = in.DeadLetterConfig
		}
		if in.LogConfig != nil {
			b.LogConfig = in.LogConfig
		}
		if !b.Created.IsZero() {
			b.Modified = s.now()
		}
		if err := putBus(ctx, tx, sc, b, rev); err != nil {
			return nil, err
		}
		return &UpdateEventBusOutput{Arn: sc.busArn(name), Name: name, KmsKeyIdentifier: b.KmsKeyIdentifier,
			Description: b.Description, DeadLetterConfig: b.DeadLetterConfig, LogConfig: b.LogConfig}, nil
	})
}

// ListEventBuses lists the default bus and the custom buses by name. A
// page reads at most Limit+1 bus records: the default bus, which has a
// record only once it has tags or a policy, is merged in where its name
// falls.
func (s *Service) ListEventBuses(ctx context.Context, in *ListEventBusesInput) (*ListEventBusesOutput, error) {
	sc := scopeFrom(ctx)
	after, err := decodeToken("ListEventBuses", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListEventBusesOutput, error) {
		p := &store.RecordScanParams{Table: tableBus, Prefix: sc.prefix() + in.NamePrefix, Limit: limit + 1}
		if after != "" {
			p.After = sc.busKey(after)
		}
		recs, err := tx.RecordScan(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("events: list buses: %w", err)
		}
		buses := make([]*busRecord, 0, len(recs)+1)
		for _, rec := range recs {
			var b busRecord
			if err := json.Unmarshal(rec.Value, &b); err != nil {
				return nil, fmt.Errorf("events: decode bus %s: %w", rec.Key, err)
			}
			buses = append(buses, &b)
		}
		// The default bus belongs on this page if it is after the token and
		// before the end of what was read (or the read reached the end).
		if strings.HasPrefix(DefaultBus, in.NamePrefix) && DefaultBus > after {
			i, found := slices.BinarySearchFunc(buses, DefaultBus, func(b *busRecord, name string) int { return strings.Compare(b.Name, name) })
			if !found && (len(recs) <= limit || i < len(buses)) {
				buses = slices.Insert(buses, i, &busRecord{Name: DefaultBus})
			}
		}
		out := &ListEventBusesOutput{EventBuses: []EventBus{}}
		for _, b := range buses {
			if len(out.EventBuses) == limit {
				out.NextToken = encodeToken("ListEventBuses", out.EventBuses[limit-1].Name)
				break
			}
			e := EventBus{Name: b.Name, Arn: sc.busArn(b.Name), Description: b.Description, Policy: b.Policy}
			if !b.Created.IsZero() {
				e.CreationTime, e.LastModifiedTime = &b.Created, &b.Modified
			}
			out.EventBuses = append(out.EventBuses, e)
		}
		return out, nil
	})
}

// DeleteEventBus deletes a custom bus and the rules on it. Deleting a bus
// that does not exist succeeds (the model lists no ResourceNotFound).
func (s *Service) DeleteEventBus(ctx context.Context, in *DeleteEventBusInput) (*Empty, error) {
	sc := scopeFrom(ctx)
	if in.Name == DefaultBus {
		return nil, errValidation("Cannot delete event bus default.")
	}
	_, err := update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		if err := tx.RecordDelete(ctx, tableBus, sc.busKey(in.Name)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		rules, err := scanRules(ctx, tx, sc, in.Name, "", "", 0)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			if err := tx.RecordDelete(ctx, tableRule, sc.ruleKey(in.Name, r.Name)); err != nil {
				return nil, err
			}
		}
		return &Empty{}, bumpRules(ctx, tx, sc, in.Name)
	})
	if err != nil {
		return nil, err
	}
	s.refresh.Lock()
	s.matchers.Delete(sc.busKey(in.Name))
	s.noteOwnChange(ctx, sc.busKey(in.Name))
	s.refresh.Unlock()
	return &Empty{}, nil
}

// Rules.

// PutRule creates or replaces a rule. As on AWS, members a replacing
// PutRule leaves out are not kept (the rule's targets and tags are).
func (s *Service) PutRule(ctx context.Context, in *PutRuleInput) (*PutRuleOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkRuleName(in.Name, "name"); err != nil {
		return nil, err
	}
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	if in.EventPattern == "" && in.ScheduleExpression == "" {
		return nil, errValidation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.EventPattern != "" {
		if _, err := pattern.Compile([]byte(in.EventPattern)); err != nil {
			return nil, errInvalidEventPattern(err.Error())
		}
	}
	if in.ScheduleExpression != "" {
		if bus != DefaultBus {
			return nil, errValidation("ScheduleExpression is supported only on the default event bus.")
		}
		if _, err := schedule.ParseRule(in.ScheduleExpression); err != nil {
			var se *schedule.Error
			if errors.As(err, &se) {
				return nil, errValidation("%s", se.RuleMessage())
			}
			return nil, errValidation("Parameter ScheduleExpression is not valid.")
		}
	}
	state := in.State
	if state == "" {
		state = StateEnabled
	}
	now := s.now()
	out, err := update(ctx, s.st, func(tx store.Tx) (*PutRuleOutput, error) {
		if err := requireBus(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		cur, err := loadRule(ctx, tx, sc, bus, in.Name)
		if err != nil {
			return nil, err
		}
		r := &ruleRecord{Name: in.Name, Bus: bus, Created: now, CreatedBy: sc.account}
		if cur == nil {
			// Only creating a rule counts against the quota; replacing one
			// at the limit still works.
			if n, err := countRecords(ctx, tx, tableRule, sc.rulePrefix(bus), "", maxRulesPerBus); err != nil {
				return nil, err
			} else if n >= maxRulesPerBus {
				return nil, errLimitExceeded()
			}
		}
		if cur != nil {
			if cur.ManagedBy != "" {
				return nil, errManagedRule(in.Name)
			}
			r = cur
		}
		// A rate's grid starts when its expression is set or the rule is
		// enabled again; a PutRule repeating both keeps it.
		unchanged := cur != nil && cur.scheduled() && cur.ScheduleExpression == in.ScheduleExpression && state != StateDisabled
		if !unchanged {
			r.ScheduleAnchor = now.Truncate(time.Second)
		}
		r.EventPattern, r.ScheduleExpression, r.State = in.EventPattern, in.ScheduleExpression, state
		r.Description, r.RoleArn = in.Description, in.RoleArn
		r.Tags = mergeTags(r.Tags, in.Tags)
		if err := putRule(ctx, tx, sc, r); err != nil {
			return nil, err
		}
		if err := planSchedule(ctx, tx, sc.ruleKey(bus, in.Name), r, now, unchanged); err != nil {
			return nil, err
		}
		if err := bumpRules(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		return &PutRuleOutput{RuleArn: sc.ruleArn(bus, in.Name)}, nil
	})
	if err != nil {
		return nil, err
	}
	s.refreshRule(ctx, sc, bus, in.Name)
	if in.ScheduleExpression != "" {
		s.notifySchedule(ctx)
	}
	return out, nil
}

// ruleOn reads a rule for an operation that needs it to exist.
func (s *Service) ruleOn(ctx context.Context, tx store.Tx, sc scope, bus, name string) (*ruleRecord, error) {
	if err := requireBus(ctx, tx, sc, bus); err != nil {
		return nil, err
	}
	r, err := loadRule(ctx, tx, sc, bus, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errRuleNotFound(name, bus)
	}
	return r, nil
}

// DescribeRule describes a rule.
func (s *Service) DescribeRule(ctx context.Context, in *DescribeRuleInput) (*DescribeRuleOutput, error) {
	sc := scopeFrom(ctx)
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	return view(ctx, s.st, func(tx store.Tx) (*DescribeRuleOutput, error) {
		r, err := s.ruleOn(ctx, tx, sc, bus, in.Name)
		if err != nil {
			return nil, err
		}
		return &DescribeRuleOutput{Name: r.Name, Arn: sc.ruleArn(bus, r.Name), EventPattern: r.EventPattern,
			ScheduleExpression: r.ScheduleExpression, State: r.State, Description: r.Description, RoleArn: r.RoleArn,
			ManagedBy: r.ManagedBy, EventBusName: bus, CreatedBy: r.CreatedBy}, nil
	})
}

// ListRules lists a bus's rules in name order.
func (s *Service) ListRules(ctx context.Context, in *ListRulesInput) (*ListRulesOutput, error) {
	sc := scopeFrom(ctx)
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	after, err := decodeToken("ListRules", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListRulesOutput, error) {
		if err := requireBus(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		rules, err := scanRules(ctx, tx, sc, bus, in.NamePrefix, after, limit+1)
		if err != nil {
			return nil, err
		}
		out := &ListRulesOutput{Rules: []Rule{}}
		for i, r := range rules {
			if i == limit {
				out.NextToken = encodeToken("ListRules", rules[i-1].Name)
				break
			}
			out.Rules = append(out.Rules, Rule{Name: r.Name, Arn: sc.ruleArn(bus, r.Name), EventPattern: r.EventPattern,
				State: r.State, Description: r.Description, ScheduleExpression: r.ScheduleExpression, RoleArn: r.RoleArn,
				ManagedBy: r.ManagedBy, EventBusName: bus})
		}
		return out, nil
	})
}

// DeleteRule deletes a rule that has no targets. Deleting a rule that does
// not exist succeeds, as the API reference says.
func (s *Service) DeleteRule(ctx context.Context, in *DeleteRuleInput) (*Empty, error) {
	sc := scopeFrom(ctx)
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	out, err := update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		if err := requireBus(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		r, err := loadRule(ctx, tx, sc, bus, in.Name)
		if err != nil || r == nil {
			return &Empty{}, err
		}
		if r.ManagedBy != "" && !in.Force {
			return nil, errManagedRule(in.Name)
		}
		if len(r.Targets) > 0 {
			return nil, errValidation("Rule can't be deleted since it has targets.")
		}
		if err := tx.RecordDelete(ctx, tableRule, sc.ruleKey(bus, in.Name)); err != nil {
			return nil, err
		}
		if err := bumpRules(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		return &Empty{}, planSchedule(ctx, tx, sc.ruleKey(bus, in.Name), nil, time.Time{}, false)
	})
	if err != nil {
		return nil, err
	}
	s.refreshRule(ctx, sc, bus, in.Name)
	return out, nil
}

// EnableRule enables a disabled rule; a rule that is enabled (either way)
// stays as it is.
func (s *Service) EnableRule(ctx context.Context, in *EnableRuleInput) (*Empty, error) {
	return s.setState(ctx, in.Name, in.EventBusName, StateEnabled)
}

// DisableRule disables a rule: it stops matching until enabled.
func (s *Service) DisableRule(ctx context.Context, in *DisableRuleInput) (*Empty, error) {
	return s.setState(ctx, in.Name, in.EventBusName, StateDisabled)
}

func (s *Service) setState(ctx context.Context, name, busArg, state string) (*Empty, error) {
	sc := scopeFrom(ctx)
	if err := checkRuleName(name, "name"); err != nil {
		return nil, err
	}
	bus, err := busName(busArg, "eventBusName")
	if err != nil {
		return nil, err
	}
	now := s.now()
	scheduled := false
	out, err := update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		r, err := s.ruleOn(ctx, tx, sc, bus, name)
		if err != nil {
			return nil, err
		}
		if r.ManagedBy != "" {
			return nil, errManagedRule(name)
		}
		if state == StateEnabled && r.State != StateDisabled {
			return &Empty{}, nil
		}
		if state == StateEnabled {
			// Enabling restarts a rate's grid, as creating the rule does.
			r.ScheduleAnchor = now.Truncate(time.Second)
		}
		r.State = state
		scheduled = r.ScheduleExpression != ""
		if err := putRule(ctx, tx, sc, r); err != nil {
			return nil, err
		}
		if err := bumpRules(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		return &Empty{}, planSchedule(ctx, tx, sc.ruleKey(bus, name), r, now, false)
	})
	if err != nil {
		return nil, err
	}
	s.refreshRule(ctx, sc, bus, name)
	if scheduled {
		s.notifySchedule(ctx)
	}
	return out, nil
}

// handoffJobs is how many handed-over deliveries may run at once, each
// on its own goroutine. eventsload -n 10 at -c 32 keeps about 320 in
// flight: with 256, a part of them went through the store's claim and
// piled up there (about 40,000 undelivered after 10 s) while with 1,024
// none did (bench/README.md).
const handoffJobs = 1024
