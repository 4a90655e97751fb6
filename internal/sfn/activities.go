package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/store"
)

// Activities: a record per activity, keyed by its ARN (a prefix scan lists
// an account's activities in a region by name). The tasks of an activity
// are the engine's (engine.StartActivityTask); GetActivityTask long-polls
// for them without a goroutine of its own: the request's goroutine waits
// on the store's wake-up for engine.ActivityQueue, a clock timer for the
// 60 seconds, and the request's context.

const tableActivity = "sfn.activity"

// getActivityTaskWait is how long GetActivityTask waits for a task: AWS
// holds the poll open for up to 60 seconds.
const getActivityTaskWait = 60 * time.Second

type activityRecord struct {
	ARN        string                   `json:"arn"`
	Name       string                   `json:"name"`
	Created    time.Time                `json:"created"`
	Tags       []Tag                    `json:"tags,omitempty"`
	Encryption *EncryptionConfiguration `json:"encryption,omitempty"`
}

func errActivityDoesNotExist(arn string) *dispatch.Error {
	return newErr("ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn)
}

func errActivityAlreadyExists(arn string) *dispatch.Error {
	return newErr("ActivityAlreadyExists", "Activity already exists: '%s'", arn)
}

func loadActivity(ctx context.Context, tx store.Tx, arn string) (*activityRecord, error) {
	r, err := tx.RecordGet(ctx, tableActivity, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sfn: read activity: %w", err)
	}
	var a activityRecord
	if err := json.Unmarshal(r.Value, &a); err != nil {
		return nil, fmt.Errorf("sfn: decode activity %s: %w", arn, err)
	}
	return &a, nil
}

// activityFor reads the activity an ARN names, with AWS's errors.
func activityFor(ctx context.Context, tx store.Tx, arn string) (*activityRecord, error) {
	if p, ok := parseARN(arn); !ok || p.kind != "activity" || p.sub != "" {
		return nil, errInvalidArn(arn)
	}
	a, err := loadActivity(ctx, tx, arn)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, errActivityDoesNotExist(arn)
	}
	return a, nil
}

// CreateActivity creates an activity; the same name again (with the same
// tags) returns the existing one, as AWS's idempotent create does.
func (s *Service) CreateActivity(ctx context.Context, in *CreateActivityInput) (*CreateActivityOutput, error) {
	sc := scopeFrom(ctx)
	if !validName(in.Name) {
		return nil, errInvalidName(in.Name)
	}
	arn := sc.prefix() + "activity:" + in.Name
	if len(in.Tags) > 50 {
		return nil, errTooManyTags(arn)
	}
	now := s.clock.Now()
	out := &CreateActivityOutput{ActivityArn: arn, CreationDate: now}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		cur, err := loadActivity(ctx, tx, arn)
		if err != nil {
			return err
		}
		if cur != nil {
			if len(in.Tags) > 0 && !sameTags(cur.Tags, in.Tags) {
				return errActivityAlreadyExists(arn)
			}
			out.CreationDate = cur.Created
			return nil
		}
		b, err := json.Marshal(&activityRecord{ARN: arn, Name: in.Name, Created: now, Tags: in.Tags, Encryption: in.EncryptionConfiguration})
		if err != nil {
			return fmt.Errorf("sfn: encode activity: %w", err)
		}
		return tx.RecordInsert(ctx, &store.Record{Table: tableActivity, Key: arn, Value: b})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sameTags(a, b []Tag) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]string{}
	for _, t := range a {
		m[t.Key] = t.Value
	}
	for _, t := range b {
		if v, ok := m[t.Key]; !ok || v != t.Value {
			return false
		}
	}
	return true
}

func (s *Service) DescribeActivity(ctx context.Context, in *DescribeActivityInput) (*DescribeActivityOutput, error) {
	var a *activityRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		a, err = activityFor(ctx, tx, in.ActivityArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DescribeActivityOutput{ActivityArn: a.ARN, Name: a.Name, CreationDate: a.Created, EncryptionConfiguration: a.Encryption}, nil
}

// DeleteActivity deletes an activity; deleting one that does not exist
// succeeds, as on AWS. Its scheduled tasks stay until they time out or
// their executions end.
func (s *Service) DeleteActivity(ctx context.Context, in *DeleteActivityInput) (*DeleteActivityOutput, error) {
	if p, ok := parseARN(in.ActivityArn); !ok || p.kind != "activity" || p.sub != "" {
		return nil, errInvalidArn(in.ActivityArn)
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.RecordDelete(ctx, tableActivity, in.ActivityArn); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("sfn: delete activity: %w", err)
		}
		if err := tx.JobDelete(ctx, engine.ActivityQueue, in.ActivityArn, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("sfn: delete activity wake-up: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteActivityOutput{}, nil
}

func (s *Service) ListActivities(ctx context.Context, in *ListActivitiesInput) (*ListActivitiesOutput, error) {
	sc := scopeFrom(ctx)
	after, err := decodeToken("ListActivities", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageSize(in.MaxResults)
	out := &ListActivitiesOutput{Activities: []ActivityListItem{}}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = ListActivitiesOutput{Activities: []ActivityListItem{}} // fn may run twice (store.View)
		recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableActivity, Prefix: sc.prefix() + "activity:", After: after, Limit: limit + 1})
		if err != nil {
			return fmt.Errorf("sfn: list activities: %w", err)
		}
		for i, r := range recs {
			if i == limit {
				out.NextToken = encodeToken("ListActivities", recs[i-1].Key)
				break
			}
			var a activityRecord
			if err := json.Unmarshal(r.Value, &a); err != nil {
				return fmt.Errorf("sfn: decode activity %s: %w", r.Key, err)
			}
			out.Activities = append(out.Activities, ActivityListItem{ActivityArn: a.ARN, Name: a.Name, CreationDate: a.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetActivityTask hands the oldest scheduled task of an activity to a
// worker, waiting up to 60 seconds (of the clock) for one; with none, the
// output has no taskToken, as on AWS.
func (s *Service) GetActivityTask(ctx context.Context, in *GetActivityTaskInput) (*GetActivityTaskOutput, error) {
	if err := s.st.View(ctx, func(tx store.Tx) error {
		_, err := activityFor(ctx, tx, in.ActivityArn)
		return err
	}); err != nil {
		return nil, err
	}
	// Subscribe before the first look, so a task scheduled in between
	// still wakes this poll.
	wake, cancel := s.st.Wake(engine.ActivityQueue)
	defer cancel()
	expired := make(chan struct{})
	timer := s.clock.AfterFunc(getActivityTaskWait, func() { close(expired) })
	defer timer.Stop()
	for {
		var task *engine.ActivityTask
		err := s.st.Update(ctx, func(tx store.Tx) error {
			var err error
			task, err = s.engine.StartActivityTask(ctx, tx, in.ActivityArn, in.WorkerName)
			return err
		})
		if errors.Is(err, store.ErrConflict) {
			continue // the execution moved on meanwhile: look again
		}
		if err != nil {
			return nil, err
		}
		if task != nil {
			s.runner.Notify(context.WithoutCancel(ctx))
			return &GetActivityTaskOutput{TaskToken: task.Token, Input: &task.Input}, nil
		}
		select {
		case <-wake:
		case <-expired:
			return &GetActivityTaskOutput{}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
