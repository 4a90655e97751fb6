package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/store"
)

const (
	defaultAccount = "000000000000"
	defaultRegion  = "us-east-1"
	defaultPage    = 100 // ListSchedules, ListScheduleGroups
	scanBatch      = 200
	maxGroupTags   = 200
)

// Config configures the service.
type Config struct {
	Store    store.Store
	Clock    clock.Clock
	Registry *dispatch.Registry // targets are called through it
	Logger   *slog.Logger
}

// Service is EventBridge Scheduler. Schedules live in the store; each
// enabled one is a job due at its next firing, run by one jobs.Runner.
type Service struct {
	st     store.Store
	clk    clock.Clock
	reg    *dispatch.Registry
	log    *slog.Logger
	runner *jobs.Runner
	locs   locations
}

// New returns the service; Start begins firing schedules.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{st: cfg.Store, clk: cfg.Clock, reg: cfg.Registry, log: cfg.Logger}
	s.runner = jobs.New(jobs.Config{
		Store: cfg.Store, Clock: cfg.Clock, Queue: Queue, Handler: s.fire, Logger: cfg.Logger, Owner: "scheduler",
	})
	return s
}

// Start fires what fell due while shoal was down (doc.go says which) and
// keeps firing schedules.
func (s *Service) Start(ctx context.Context) error { return s.runner.Start(ctx) }

// Stop stops firing; schedules and their next firings stay in the store.
func (s *Service) Stop(ctx context.Context) error { return s.runner.Stop(ctx) }

// Runner is the job runner of firings (tests drain it).
func (s *Service) Runner() *jobs.Runner { return s.runner }

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

// now is the clock's time at the millisecond precision AWS reports.
func (s *Service) now() time.Time { return s.clk.Now().UTC().Truncate(time.Millisecond) }

func groupOrDefault(g string) string {
	if g == "" {
		return DefaultGroup
	}
	return g
}

// CreateSchedule creates a schedule and plans its first firing in the same
// transaction.
func (s *Service) CreateSchedule(ctx context.Context, in *CreateScheduleInput) (*CreateScheduleOutput, error) {
	sc, now := scopeFrom(ctx), s.now()
	if _, _, err := s.checkSchedule(in, now); err != nil {
		return nil, err
	}
	group := groupOrDefault(in.GroupName)
	key := sc.scheduleKey(group, in.Name)
	rec := recordFrom(in, group)
	rec.Created, rec.Modified = now, now
	rec.Anchor = now
	if in.StartDate != nil {
		rec.Anchor = *in.StartDate
	}
	p, err := s.planOf(sc, rec)
	if err != nil {
		return nil, err
	}
	due, err := update(ctx, s.st, func(tx store.Tx) (*time.Time, error) {
		g, err := findGroup(ctx, tx, sc, group)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, errGroupNotFound(group)
		}
		cur, err := loadSchedule(ctx, tx, key)
		if err != nil {
			return nil, err
		}
		if cur != nil {
			return nil, errScheduleExists(in.Name)
		}
		r := *rec
		if err := saveSchedule(ctx, tx, key, &r); err != nil {
			return nil, err
		}
		return planJob(ctx, tx, key, &r, p, now.Add(-time.Nanosecond))
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, due)
	return &CreateScheduleOutput{ScheduleArn: sc.scheduleARN(group, in.Name)}, nil
}

// UpdateSchedule replaces a schedule ("all optional parameters you do not
// specify are set to their defaults") and replans its next firing; a
// firing planned before the update is dropped.
func (s *Service) UpdateSchedule(ctx context.Context, in *UpdateScheduleInput) (*UpdateScheduleOutput, error) {
	sc, now := scopeFrom(ctx), s.now()
	cin := (*CreateScheduleInput)(in)
	if _, _, err := s.checkSchedule(cin, now); err != nil {
		return nil, err
	}
	group := groupOrDefault(in.GroupName)
	key := sc.scheduleKey(group, in.Name)
	due, err := update(ctx, s.st, func(tx store.Tx) (*time.Time, error) {
		cur, err := loadSchedule(ctx, tx, key)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, errScheduleNotFound(in.Name)
		}
		rec := recordFrom(cin, group)
		rec.Created, rec.Modified, rec.rev = cur.Created, now, cur.rev
		// A rate keeps its grid through updates that leave the expression
		// and StartDate alone (changing the Input must not shift firings);
		// otherwise it starts over where the new definition starts.
		switch {
		case in.StartDate != nil:
			rec.Anchor = *in.StartDate
		case cur.StartDate == nil && cur.Expression == in.ScheduleExpression:
			rec.Anchor = cur.Anchor
		default:
			rec.Anchor = now
		}
		p, err := s.planOf(sc, rec)
		if err != nil {
			return nil, err
		}
		if err := saveSchedule(ctx, tx, key, rec); err != nil {
			return nil, err
		}
		return planJob(ctx, tx, key, rec, p, now.Add(-time.Nanosecond))
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, due)
	return &UpdateScheduleOutput{ScheduleArn: sc.scheduleARN(group, in.Name)}, nil
}

// notify hands a just-planned firing to the runner before the request
// answers. Under a manual clock that arms the runner's timer (and fires a
// schedule due at once, a rate without StartDate), so a clock advance
// right after the request sees the firing; otherwise it does nothing and
// the store's wake-up suffices. Only requests from outside notify: an
// in-process caller (a Step Functions task, a firing schedule) runs inside
// a job runner's drain, and draining again from there could wait on
// itself; the wake-up arms the timer a moment later instead.
func (s *Service) notify(ctx context.Context, due *time.Time) {
	if due == nil || dispatch.CallerFrom(ctx).InvokedBy != "" {
		return
	}
	s.runner.Notify(context.WithoutCancel(ctx))
}

// recordFrom builds a schedule record from a request, with AWS's defaults.
func recordFrom(in *CreateScheduleInput, group string) *scheduleRecord {
	rec := &scheduleRecord{
		Name:                  in.Name,
		Group:                 group,
		Description:           in.Description,
		Expression:            in.ScheduleExpression,
		Timezone:              in.ScheduleExpressionTimezone,
		StartDate:             utcPtr(in.StartDate),
		EndDate:               utcPtr(in.EndDate),
		State:                 in.State,
		Flex:                  *in.FlexibleTimeWindow,
		Target:                *in.Target,
		ActionAfterCompletion: in.ActionAfterCompletion,
		KmsKeyArn:             in.KmsKeyArn,
	}
	if rec.Timezone == "" {
		rec.Timezone = DefaultTZ
	}
	if rec.State == "" {
		rec.State = StateEnabled
	}
	if rec.ActionAfterCompletion == "" {
		rec.ActionAfterCompletion = AfterNone
	}
	// GetSchedule reports the retry policy in force, defaults included.
	rp := RetryPolicy{}
	if in.Target.RetryPolicy != nil {
		rp = *in.Target.RetryPolicy
	}
	if rp.MaximumEventAgeInSeconds == nil {
		rp.MaximumEventAgeInSeconds = ptr(int32(DefaultMaxAge))
	}
	if rp.MaximumRetryAttempts == nil {
		rp.MaximumRetryAttempts = ptr(int32(DefaultMaxTry))
	}
	rec.Target.RetryPolicy = &rp
	return rec
}

func ptr[T any](v T) *T { return &v }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// planJob puts the schedule's fire job at its first firing strictly after
// after, or removes it when the schedule is disabled or has none left. It
// returns the job's due time, if any.
func planJob(ctx context.Context, tx store.Tx, key string, rec *scheduleRecord, p *plan, after time.Time) (*time.Time, error) {
	if rec.State == StateEnabled {
		if n, ok := p.next(after); ok {
			due := p.due(n)
			if err := tx.JobPut(ctx, fireJob(key, rec, n, due)); err != nil {
				return nil, fmt.Errorf("scheduler: plan firing: %w", err)
			}
			return &due, nil
		}
	}
	if err := tx.JobDelete(ctx, Queue, key, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("scheduler: cancel firing: %w", err)
	}
	return nil, nil
}

// GetSchedule describes a schedule.
func (s *Service) GetSchedule(ctx context.Context, in *GetScheduleInput) (*GetScheduleOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkName(in.Name, "name"); err != nil {
		return nil, err
	}
	if err := checkName(in.GroupName, "groupName"); err != nil {
		return nil, err
	}
	group := groupOrDefault(in.GroupName)
	return view(ctx, s.st, func(tx store.Tx) (*GetScheduleOutput, error) {
		rec, err := loadSchedule(ctx, tx, sc.scheduleKey(group, in.Name))
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, errScheduleNotFound(in.Name)
		}
		flex, target := rec.Flex, rec.Target
		return &GetScheduleOutput{
			ActionAfterCompletion:      rec.ActionAfterCompletion,
			Arn:                        sc.scheduleARN(rec.Group, rec.Name),
			CreationDate:               ptr(rec.Created),
			Description:                rec.Description,
			EndDate:                    rec.EndDate,
			FlexibleTimeWindow:         &flex,
			GroupName:                  rec.Group,
			KmsKeyArn:                  rec.KmsKeyArn,
			LastModificationDate:       ptr(rec.Modified),
			Name:                       rec.Name,
			ScheduleExpression:         rec.Expression,
			ScheduleExpressionTimezone: rec.Timezone,
			StartDate:                  rec.StartDate,
			State:                      rec.State,
			Target:                     &target,
		}, nil
	})
}

// DeleteSchedule deletes a schedule and its planned firing. Retries of an
// invocation already made carry on: the invocation happened before the
// delete.
func (s *Service) DeleteSchedule(ctx context.Context, in *DeleteScheduleInput) (*DeleteScheduleOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkName(in.Name, "name"); err != nil {
		return nil, err
	}
	if err := checkName(in.GroupName, "groupName"); err != nil {
		return nil, err
	}
	key := sc.scheduleKey(groupOrDefault(in.GroupName), in.Name)
	return update(ctx, s.st, func(tx store.Tx) (*DeleteScheduleOutput, error) {
		if err := deleteSchedule(ctx, tx, key); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, errScheduleNotFound(in.Name)
			}
			return nil, err
		}
		return &DeleteScheduleOutput{}, nil
	})
}

func deleteSchedule(ctx context.Context, tx store.Tx, key string) error {
	if err := tx.RecordDelete(ctx, tableSchedule, key); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return err
		}
		return fmt.Errorf("scheduler: delete schedule: %w", err)
	}
	if err := tx.JobDelete(ctx, Queue, key, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("scheduler: cancel firing: %w", err)
	}
	return nil
}

// ListSchedules lists schedules in key order (group, then name), filtered
// by group, name prefix and state.
func (s *Service) ListSchedules(ctx context.Context, in *ListSchedulesInput) (*ListSchedulesOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkName(in.GroupName, "groupName"); err != nil {
		return nil, err
	}
	if err := checkName(in.NamePrefix, "namePrefix"); err != nil {
		return nil, err
	}
	prefix := sc.prefix()
	if in.GroupName != "" {
		prefix += in.GroupName + "/" + in.NamePrefix
	}
	after, err := decodeToken("ListSchedules", in.NextToken, sc.prefix())
	if err != nil {
		return nil, err
	}
	limit := defaultPage
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	return view(ctx, s.st, func(tx store.Tx) (*ListSchedulesOutput, error) {
		if in.GroupName != "" {
			g, err := findGroup(ctx, tx, sc, in.GroupName)
			if err != nil {
				return nil, err
			}
			if g == nil {
				return nil, errGroupNotFound(in.GroupName)
			}
		}
		out := &ListSchedulesOutput{Schedules: []ScheduleSummary{}}
		var keys []string
		err := scan(ctx, tx, tableSchedule, prefix, after, func(r *store.Record) (bool, error) {
			rec, err := decodeSchedule(r)
			if err != nil {
				return false, err
			}
			if !strings.HasPrefix(rec.Name, in.NamePrefix) || (in.State != "" && rec.State != in.State) {
				return true, nil
			}
			if len(out.Schedules) == limit {
				out.NextToken = encodeToken("ListSchedules", keys[len(keys)-1])
				return false, nil
			}
			keys = append(keys, r.Key)
			out.Schedules = append(out.Schedules, ScheduleSummary{
				Arn:                  sc.scheduleARN(rec.Group, rec.Name),
				CreationDate:         ptr(rec.Created),
				GroupName:            rec.Group,
				LastModificationDate: ptr(rec.Modified),
				Name:                 rec.Name,
				State:                rec.State,
				Target:               &TargetSummary{Arn: rec.Target.Arn},
			})
			return true, nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	})
}

// scan calls fn for each record of table under prefix after the key after,
// in key order, until fn returns false.
func scan(ctx context.Context, tx store.Tx, table, prefix, after string, fn func(*store.Record) (bool, error)) error {
	for {
		rs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: table, Prefix: prefix, After: after, Limit: scanBatch})
		if err != nil {
			return fmt.Errorf("scheduler: scan %s: %w", table, err)
		}
		for i := range rs {
			more, err := fn(&rs[i])
			if err != nil || !more {
				return err
			}
		}
		if len(rs) < scanBatch {
			return nil
		}
		after = rs[len(rs)-1].Key
	}
}

// CreateScheduleGroup creates a group. "default" always exists.
func (s *Service) CreateScheduleGroup(ctx context.Context, in *CreateScheduleGroupInput) (*CreateScheduleGroupOutput, error) {
	sc, now := scopeFrom(ctx), s.now()
	if err := checkName(in.Name, "name"); err != nil {
		return nil, err
	}
	if err := checkPattern(tokenPattern, tokenPatternText, in.ClientToken, "clientToken"); err != nil {
		return nil, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	return update(ctx, s.st, func(tx store.Tx) (*CreateScheduleGroupOutput, error) {
		g, err := findGroup(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		if g != nil {
			return nil, errGroupExists(in.Name)
		}
		if err := saveGroup(ctx, tx, sc, &groupRecord{Name: in.Name, Created: now, Modified: now, Tags: tags}); err != nil {
			return nil, err
		}
		return &CreateScheduleGroupOutput{ScheduleGroupArn: sc.groupARN(in.Name)}, nil
	})
}

// GetScheduleGroup describes a group.
func (s *Service) GetScheduleGroup(ctx context.Context, in *GetScheduleGroupInput) (*GetScheduleGroupOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkName(in.Name, "name"); err != nil {
		return nil, err
	}
	return view(ctx, s.st, func(tx store.Tx) (*GetScheduleGroupOutput, error) {
		g, err := findGroup(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, errGroupNotFound(in.Name)
		}
		sum := groupSummary(sc, g)
		return &GetScheduleGroupOutput{Arn: sum.Arn, CreationDate: sum.CreationDate, LastModificationDate: sum.LastModificationDate, Name: sum.Name, State: sum.State}, nil
	})
}

func groupSummary(sc scope, g *groupRecord) ScheduleGroupSummary {
	sum := ScheduleGroupSummary{Arn: sc.groupARN(g.Name), Name: g.Name, State: GroupActive}
	if !g.Created.IsZero() {
		sum.CreationDate, sum.LastModificationDate = ptr(g.Created), ptr(g.Modified)
	}
	return sum
}

// DeleteScheduleGroup deletes a group with every schedule in it ("Deleting
// a schedule group results in EventBridge Scheduler deleting all schedules
// associated with the group"). AWS does this asynchronously, reporting the
// group as DELETING meanwhile; shoal does it in the request's transaction,
// so the group is simply gone.
func (s *Service) DeleteScheduleGroup(ctx context.Context, in *DeleteScheduleGroupInput) (*DeleteScheduleGroupOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkName(in.Name, "name"); err != nil {
		return nil, err
	}
	if in.Name == DefaultGroup {
		// AWS's wording is not known; the default group cannot be deleted.
		return nil, errValidation("The default schedule group cannot be deleted.")
	}
	return update(ctx, s.st, func(tx store.Tx) (*DeleteScheduleGroupOutput, error) {
		g, err := loadGroup(ctx, tx, sc.groupKey(in.Name))
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, errGroupNotFound(in.Name)
		}
		var keys []string
		err = scan(ctx, tx, tableSchedule, sc.scheduleKey(in.Name, ""), "", func(r *store.Record) (bool, error) {
			keys = append(keys, r.Key)
			return true, nil
		})
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if err := deleteSchedule(ctx, tx, k); err != nil {
				return nil, err
			}
		}
		if err := tx.RecordDelete(ctx, tableGroup, sc.groupKey(in.Name)); err != nil {
			return nil, fmt.Errorf("scheduler: delete schedule group: %w", err)
		}
		return &DeleteScheduleGroupOutput{}, nil
	})
}

// ListScheduleGroups lists groups by name, the implicit default among them.
func (s *Service) ListScheduleGroups(ctx context.Context, in *ListScheduleGroupsInput) (*ListScheduleGroupsOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkName(in.NamePrefix, "namePrefix"); err != nil {
		return nil, err
	}
	after, err := decodeToken("ListScheduleGroups", in.NextToken, sc.prefix())
	if err != nil {
		return nil, err
	}
	limit := defaultPage
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	return view(ctx, s.st, func(tx store.Tx) (*ListScheduleGroupsOutput, error) {
		var groups []*groupRecord
		// One more than a page tells whether there is a next page.
		err := scan(ctx, tx, tableGroup, sc.prefix()+in.NamePrefix, after, func(r *store.Record) (bool, error) {
			g, err := decodeGroup(r)
			if err != nil {
				return false, err
			}
			groups = append(groups, g)
			return len(groups) <= limit, nil
		})
		if err != nil {
			return nil, err
		}
		// The default group has no record until it is tagged; put it in
		// its place by name.
		defKey := sc.groupKey(DefaultGroup)
		hasDefault := slices.ContainsFunc(groups, func(g *groupRecord) bool { return g.Name == DefaultGroup })
		if !hasDefault && strings.HasPrefix(DefaultGroup, in.NamePrefix) && defKey > after {
			stored, err := loadGroup(ctx, tx, defKey)
			if err != nil {
				return nil, err
			}
			if stored == nil {
				groups = append(groups, &groupRecord{Name: DefaultGroup})
				slices.SortFunc(groups, func(a, b *groupRecord) int { return strings.Compare(a.Name, b.Name) })
			}
		}
		out := &ListScheduleGroupsOutput{ScheduleGroups: []ScheduleGroupSummary{}}
		for i, g := range groups {
			if i == limit {
				out.NextToken = encodeToken("ListScheduleGroups", sc.groupKey(groups[i-1].Name))
				break
			}
			out.ScheduleGroups = append(out.ScheduleGroups, groupSummary(sc, g))
		}
		return out, nil
	})
}

// groupOfARN finds the group a tagging request names: only schedule
// groups take tags, and only in the caller's account and region.
func groupOfARN(sc scope, arn string) (string, error) {
	if err := checkPattern(groupARNPattern, groupARNPatternText, arn, "resourceArn"); err != nil {
		return "", err
	}
	i := strings.Index(arn, ":schedule-group/")
	if arn != sc.groupARN(arn[i+len(":schedule-group/"):]) {
		return "", errGroupNotFound(arn[i+len(":schedule-group/"):])
	}
	return arn[i+len(":schedule-group/"):], nil
}

// TagResource adds or overwrites tags on a schedule group.
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	sc, now := scopeFrom(ctx), s.now()
	name, err := groupOfARN(sc, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return update(ctx, s.st, func(tx store.Tx) (*TagResourceOutput, error) {
		g, err := findGroup(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, errGroupNotFound(name)
		}
		if g.Tags, err = mergeTags(g.Tags, in.Tags); err != nil {
			return nil, err
		}
		if !g.Created.IsZero() {
			g.Modified = now
		}
		if err := saveGroup(ctx, tx, sc, g); err != nil {
			return nil, err
		}
		return &TagResourceOutput{}, nil
	})
}

// UntagResource removes tags from a schedule group; absent keys are fine.
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	sc := scopeFrom(ctx)
	name, err := groupOfARN(sc, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return update(ctx, s.st, func(tx store.Tx) (*UntagResourceOutput, error) {
		g, err := findGroup(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, errGroupNotFound(name)
		}
		g.Tags = slices.DeleteFunc(g.Tags, func(t Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		if err := saveGroup(ctx, tx, sc, g); err != nil {
			return nil, err
		}
		return &UntagResourceOutput{}, nil
	})
}

// ListTagsForResource lists a schedule group's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	sc := scopeFrom(ctx)
	name, err := groupOfARN(sc, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return view(ctx, s.st, func(tx store.Tx) (*ListTagsForResourceOutput, error) {
		g, err := findGroup(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, errGroupNotFound(name)
		}
		return &ListTagsForResourceOutput{Tags: append([]Tag{}, g.Tags...)}, nil
	})
}

// mergeTags sets add's tags on cur, a later value for a key winning.
func mergeTags(cur, add []Tag) ([]Tag, error) {
	out := slices.Clone(cur)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(o Tag) bool { return o.Key == t.Key }); i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	if len(out) > maxGroupTags {
		return nil, errQuota("A schedule group can have at most %d tags; this request would leave it with %d.", maxGroupTags, len(out))
	}
	return out, nil
}
