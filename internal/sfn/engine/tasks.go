package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/store"
)

// Tasks that complete by callback — activities and the .waitForTaskToken
// pattern — have a task token. Each token has a record (tableTask) written
// with the step that scheduled the task: it finds the execution again, keeps
// an activity task's input for GetActivityTask, queues pending activity
// tasks in order (indexActivity), and remembers a task that timed out
// (SendTask* then answer TaskTimedOut rather than TaskDoesNotExist). The
// task itself — deadlines, outcome — lives in the execution's cursor, so a
// callback, a worker's claim and a heartbeat are each one step of the
// execution, guarded by its version like any other.
const (
	tableTask     = "sfn.task"
	indexActivity = "activity"
	// ActivityQueue is a job queue no runner claims: the engine puts a job
	// named after an activity whenever it schedules a task of it, and the
	// commit's wake-up (store.Wake, across processes on PostgreSQL) is
	// what GetActivityTask's long polls wait for.
	ActivityQueue = "sfn.activity"
)

// Errors of the callback operations; the API maps them to AWS's codes.
var (
	ErrInvalidToken     = errors.New("sfn engine: invalid task token")
	ErrTaskDoesNotExist = errors.New("sfn engine: task does not exist")
	ErrTaskTimedOut     = errors.New("sfn engine: task timed out")
)

// taskRecord is a task token's record.
type taskRecord struct {
	Token     string    `json:"token"`
	Execution string    `json:"execution"`
	Activity  string    `json:"activity,omitempty"`
	Input     string    `json:"input,omitempty"`
	Scheduled time.Time `json:"scheduled"`
	Started   bool      `json:"started,omitempty"`
	TimedOut  bool      `json:"timedOut,omitempty"`
}

// tokenWrite is a change a step makes to the token records: rec to write,
// or token to delete (or, if timedOut, to mark timed out).
type tokenWrite struct {
	rec      *taskRecord
	token    string
	timedOut bool
}

func (r *taskRecord) record() (*store.Record, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("sfn engine: encode task: %w", err)
	}
	rec := &store.Record{Table: tableTask, Key: r.Token, Value: b}
	if r.Activity != "" && !r.Started && !r.TimedOut {
		// Pending activity tasks, oldest first, for GetActivityTask.
		rec.Indexes = map[string]string{indexActivity: r.Activity + "|" + fmt.Sprintf("%019d", r.Scheduled.UnixNano())}
	}
	return rec, nil
}

func getTask(ctx context.Context, tx store.Tx, token string) (*taskRecord, error) {
	r, err := tx.RecordGet(ctx, tableTask, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrTaskDoesNotExist
	}
	if err != nil {
		return nil, fmt.Errorf("sfn engine: read task: %w", err)
	}
	var t taskRecord
	if err := json.Unmarshal(r.Value, &t); err != nil {
		return nil, fmt.Errorf("sfn engine: decode task: %w", err)
	}
	return &t, nil
}

func putTask(ctx context.Context, tx store.Tx, t *taskRecord) error {
	r, err := t.record()
	if err != nil {
		return err
	}
	if err := tx.RecordPut(ctx, r); err != nil {
		return fmt.Errorf("sfn engine: write task: %w", err)
	}
	return nil
}

func writeTokens(ctx context.Context, tx store.Tx, ws []tokenWrite, now time.Time) error {
	for _, w := range ws {
		switch {
		case w.rec != nil:
			if err := putTask(ctx, tx, w.rec); err != nil {
				return err
			}
			if w.rec.Activity != "" {
				if err := tx.JobPut(ctx, &store.Job{Queue: ActivityQueue, ID: w.rec.Activity, Due: now}); err != nil {
					return fmt.Errorf("sfn engine: wake activity workers: %w", err)
				}
			}
		case w.timedOut:
			t, err := getTask(ctx, tx, w.token)
			if errors.Is(err, ErrTaskDoesNotExist) {
				continue
			}
			if err != nil {
				return err
			}
			t.TimedOut = true
			if err := putTask(ctx, tx, t); err != nil {
				return err
			}
		default:
			if err := tx.RecordDelete(ctx, tableTask, w.token); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("sfn engine: delete task: %w", err)
			}
		}
	}
	return nil
}

// newToken makes a task token: the execution's ARN, so a callback finds
// it, and 128 random bits, so a token cannot be guessed from another.
func newToken(arn string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString([]byte(arn + "#" + hex.EncodeToString(b[:])))
}

// TokenExecution returns the execution ARN inside a task token, or
// ErrInvalidToken when it is not one of shoal's tokens.
func TokenExecution(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", ErrInvalidToken
	}
	arn, nonce, ok := strings.Cut(string(b), "#")
	if !ok || len(nonce) != 32 || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":execution:") {
		return "", ErrInvalidToken
	}
	return arn, nil
}

// withTask runs one step of the execution a token belongs to, inside the
// caller's transaction: f changes the task (found in the cursor tree with
// its frame) and the step carries on from there.
func (e *Engine) withTask(ctx context.Context, tx store.Tx, token string, f func(s *step, fr *frame) error) error {
	arn, err := TokenExecution(token)
	if err != nil {
		return err
	}
	rec, err := getTask(ctx, tx, token)
	if err != nil {
		return err
	}
	if rec.TimedOut {
		return ErrTaskTimedOut
	}
	x, err := Get(ctx, tx, arn)
	if errors.Is(err, ErrNotFound) {
		return ErrTaskDoesNotExist
	}
	if err != nil {
		return err
	}
	m, err := e.machineIn(ctx, tx, x.Definition)
	if err != nil {
		return err
	}
	s := e.newStep(x, m, e.clock.Now())
	fr := s.findFrame(s.root, token)
	if x.Status != StatusRunning || fr == nil {
		return ErrTaskDoesNotExist
	}
	if _, expired := s.taskTimers(fr); expired {
		// The timer job has not run yet; the task is over all the same.
		if _, err := s.run(s.root); err != nil {
			return err
		}
		if err := commit(ctx, tx, x, s, nil, ""); err != nil {
			return err
		}
		return ErrTaskTimedOut
	}
	if err := f(s, fr); err != nil {
		return err
	}
	next, err := s.run(s.root)
	if err != nil {
		return err
	}
	if next != nil && !next.After(s.now) {
		// A call is due now: the job runner makes it, outside this
		// transaction (which is the API caller's).
		n := s.now
		next = &n
	}
	return commit(ctx, tx, x, s, next, "")
}

// machineIn is Machine, reading the definition in tx when it is not
// cached (the caller is inside an Update).
func (e *Engine) machineIn(ctx context.Context, tx store.Tx, key string) (*asl.Machine, error) {
	if m, ok := e.machines.Load(key); ok {
		return m.(*asl.Machine), nil
	}
	def, err := GetDefinition(ctx, tx, key)
	if err != nil {
		return nil, err
	}
	return e.Compiled(key, def)
}

// findFrame finds the frame running the task with a token.
func (s *step) findFrame(fr *frame, token string) *frame {
	switch fr.c.Phase {
	case phaseTask, phaseChild:
		if fr.c.Task.Token == token {
			return fr
		}
	case phaseFork:
		for _, ch := range fr.c.Fork.Children {
			if ch.Cursor.Phase != phaseDone {
				if f := s.findFrame(s.childFrame(fr, ch), token); f != nil {
					return f
				}
			}
		}
	}
	return nil
}

// Complete reports a callback task's outcome (SendTaskSuccess,
// SendTaskFailure) inside the caller's transaction, and moves the
// execution on with it. Errors: ErrInvalidToken, ErrTaskDoesNotExist,
// ErrTaskTimedOut.
func (e *Engine) Complete(ctx context.Context, tx store.Tx, token string, o Outcome) error {
	o.Callback = true
	return e.withTask(ctx, tx, token, func(s *step, fr *frame) error {
		fr.c.Task.Outcome = &o
		return nil
	})
}

// Heartbeat records a callback task's sign of life (SendTaskHeartbeat):
// its HeartbeatSeconds start again.
func (e *Engine) Heartbeat(ctx context.Context, tx store.Tx, token string) error {
	return e.withTask(ctx, tx, token, func(s *step, fr *frame) error {
		t := fr.c.Task
		if t.HeartbeatSeconds > 0 {
			t.HeartbeatDue = s.now.Add(time.Duration(t.HeartbeatSeconds) * time.Second)
		}
		return nil
	})
}

// ActivityTask is a task GetActivityTask hands a worker.
type ActivityTask struct {
	Token string
	Input string
}

// StartActivityTask gives the oldest pending task of an activity to a
// worker inside the caller's transaction: ActivityStarted goes into the
// execution's history and the task is no longer pending. It returns nil
// when the activity has no pending task.
func (e *Engine) StartActivityTask(ctx context.Context, tx store.Tx, activity, worker string) (*ActivityTask, error) {
	for range 100 {
		recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableTask, Index: indexActivity, Prefix: activity + "|", Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("sfn engine: scan activity tasks: %w", err)
		}
		if len(recs) == 0 {
			return nil, nil
		}
		var rec taskRecord
		if err := json.Unmarshal(recs[0].Value, &rec); err != nil {
			return nil, fmt.Errorf("sfn engine: decode task: %w", err)
		}
		err = e.withTask(ctx, tx, rec.Token, func(s *step, fr *frame) error {
			t := fr.c.Task
			s.emit(fr, HistoryEvent{Type: EventActivityStarted, ActivityStartedEventDetails: &ActivityStartedEventDetails{WorkerName: worker}})
			s.taskMetric(t, "ActivitiesStarted", 1, "Count")
			if t.HeartbeatSeconds > 0 {
				t.HeartbeatDue = s.now.Add(time.Duration(t.HeartbeatSeconds) * time.Second)
			}
			rec.Started = true
			return putTask(ctx, tx, &rec)
		})
		switch {
		case err == nil:
			return &ActivityTask{Token: rec.Token, Input: rec.Input}, nil
		case errors.Is(err, ErrTaskDoesNotExist), errors.Is(err, ErrTaskTimedOut):
			// The task ended without a worker (its execution stopped, its
			// Parallel failed, it timed out): drop it and look further.
			if err := tx.RecordDelete(ctx, tableTask, rec.Token); err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("sfn engine: delete task: %w", err)
			}
		default:
			return nil, err
		}
	}
	return nil, nil
}

// Failure is a convenience for callers building a failed Outcome.
func Failure(errName, cause string) Outcome {
	return Outcome{Failure: &asl.Failure{Error: errName, Cause: cause}}
}
