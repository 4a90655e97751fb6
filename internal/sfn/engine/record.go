package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/store"
)

// Store layout. Executions are records keyed by their ARN; each has a log of
// history events and at most two jobs (its next step, its timeout).
const (
	tableExecution  = "sfn.execution"
	tableDefinition = "sfn.definition"
	// indexMachine orders a state machine's executions newest first:
	// "<state machine ARN>|<inverted start time>" ('|' is in no name, and
	// PostgreSQL text cannot hold the NUL the store's cursors use).
	indexMachine = "sm"
	// indexMachineStatus is indexMachine with the status in between, for
	// ListExecutions' statusFilter.
	indexMachineStatus = "sm_status"
	// indexVersion and indexAlias order the executions started on a
	// version or through an alias, newest first, for ListExecutions on a
	// version or alias ARN ("<ARN>|<inverted start time>").
	indexVersion = "sm_version"
	indexAlias   = "sm_alias"
	// indexMapRun orders a Map Run's child executions newest first, for
	// ListExecutions on a mapRunArn.
	indexMapRun = "sm_maprun"
	logPrefix   = "sfn.history/"
	// Queue is the store job queue of execution steps.
	Queue         = "sfn"
	timeoutSuffix = "#timeout"
)

// Execution statuses (ExecutionStatus in the model).
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// Execution is the stored state of one execution: what DescribeExecution
// reports, and the cursor saying where the interpreter stands.
type Execution struct {
	ARN             string `json:"arn"`
	StateMachineARN string `json:"stateMachineArn"`
	StateMachine    string `json:"stateMachineName"`
	Name            string `json:"name"`
	RoleARN         string `json:"roleArn"`
	Definition      string `json:"definition"` // hash of the definition it runs (DefinitionKey)
	VersionARN      string `json:"versionArn,omitempty"`
	AliasARN        string `json:"aliasArn,omitempty"`
	TraceHeader     string `json:"traceHeader,omitempty"`
	// Logging is the machine's loggingConfiguration when it started (nil:
	// none, or OFF).
	Logging   *Logging  `json:"logging,omitempty"`
	Status    string    `json:"status"`
	Input     string    `json:"input"`
	Output    *string   `json:"output,omitempty"`
	Error     string    `json:"error,omitempty"`
	Cause     string    `json:"cause,omitempty"`
	StartDate time.Time `json:"startDate"`
	StopDate  time.Time `json:"stopDate,omitzero"`
	// Events is the id of the last history event.
	Events int64  `json:"events"`
	Cursor Cursor `json:"cursor"`
	// Resume is where an unsuccessful execution stood when it ended: the
	// top-level state RedriveExecution runs again (nil once it succeeded).
	Resume *Resume `json:"resume,omitempty"`
	// RedriveCount and RedriveDate: how often and when it was last redriven.
	RedriveCount int       `json:"redriveCount,omitempty"`
	RedriveDate  time.Time `json:"redriveDate,omitzero"`
	// RedriveTokens are the clientTokens of the last successful redrives,
	// so a retried RedriveExecution request is answered, not refused.
	RedriveTokens []RedriveToken `json:"redriveTokens,omitempty"`
	// Parent is the task of another execution that started this one with
	// states:startExecution.sync (or .sync:2) and waits for it to end.
	Parent *Parent `json:"parent,omitempty"`
	// StartedBy is the execution that started this one, from the input's
	// AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID (nested workflows).
	StartedBy string `json:"startedBy,omitempty"`
	// MapRunARN is the Map Run a Distributed Map's child execution runs in.
	MapRunARN string `json:"mapRunArn,omitempty"`

	version int64 // the store record's version, guarding the write back
}

// Parent is the waiting task of the execution that started this one.
type Parent struct {
	Token string `json:"token"`
	// JSONData: the task is .sync:2, which gets Input and Output as JSON
	// rather than as strings.
	JSONData bool `json:"jsonData,omitempty"`
	// Iteration: the parent is a Map Run (maprun.go), which gets the
	// child's output, or its error and cause, as they are.
	Iteration bool `json:"iteration,omitempty"`
}

// Resume is the top-level state an execution ended in without success.
type Resume struct {
	// Entered: the state was entered (its StateEntered is in the history),
	// so a redrive runs it again without a new StateEntered, as a retry
	// does; otherwise the redrive enters it.
	Entered        bool            `json:"entered,omitempty"`
	State          string          `json:"state"`
	Input          json.RawMessage `json:"input,omitempty"`
	EnteredEventID int64           `json:"enteredEventId,omitempty"`
	EnteredTime    time.Time       `json:"enteredTime,omitzero"`
	// Fork: the state is a Parallel or Map whose fork failed or was
	// aborted; a redrive reruns only its unsuccessful children.
	Fork *Fork `json:"fork,omitempty"`
}

// RedriveToken is a clientToken of a redrive and when it was used.
type RedriveToken struct {
	Token string    `json:"token"`
	Used  time.Time `json:"used"`
}

// Phases of the cursor: what the execution's next job does.
const (
	phaseEnter = "enter" // enter Cursor.State with Cursor.Input
	phaseRetry = "retry" // run Cursor.State again after a Retry delay
	phaseWait  = "wait"  // leave a Wait state (the job is due at Until)
	phaseTask  = "task"  // run Cursor.Task (or await its callback), then report its outcome
	phaseFork  = "fork"  // a Parallel or Map state runs Cursor.Fork's children
	phaseChild = "child" // a Distributed Map's iteration runs as a child execution; Cursor.Task holds its token and, once reported, its outcome
	phaseDone  = "done"  // the execution, branch or iteration ended
)

// Cursor is where a running execution stands.
type Cursor struct {
	Phase          string          `json:"phase"`
	State          string          `json:"state,omitempty"`
	Input          json.RawMessage `json:"input,omitempty"` // the state's raw input
	EnteredEventID int64           `json:"enteredEventId,omitempty"`
	EnteredTime    time.Time       `json:"enteredTime,omitzero"`
	RetryCounts    []int           `json:"retryCounts,omitempty"`
	Vars           map[string]any  `json:"vars,omitempty"`
	Until          time.Time       `json:"until,omitzero"`
	Then           *Then           `json:"then,omitempty"`
	Task           *Task           `json:"task,omitempty"`
	Fork           *Fork           `json:"fork,omitempty"`
	// Last is the id of the last event of a branch or iteration: AWS
	// chains each event inside one to the previous event of the same branch
	// or iteration, not to whatever another branch wrote in between.
	Last int64 `json:"last,omitempty"`
	// Output and Failure are how a finished branch or iteration ended.
	Output  json.RawMessage `json:"output,omitempty"`
	Failure *asl.Failure    `json:"failure,omitempty"`
	// Failed is the Parallel or Map fork as it failed, kept so a redrive
	// reruns only its failed and aborted branches or iterations.
	Failed *Fork `json:"failed,omitempty"`
}

// Fork is a Parallel or Map state running its branches or iterations
// inside the execution's record: they are steps of the same execution, so
// one job, one version guard and one history serve them all.
type Fork struct {
	Map bool `json:"map,omitempty"`
	// StartedEventID is the ParallelStateStarted or MapStateStarted event,
	// which the first event of each branch or iteration follows.
	StartedEventID int64 `json:"startedEventId"`
	// Items are the Map's iteration inputs not started yet; Next is the
	// index of Items[0].
	Items []json.RawMessage `json:"items,omitempty"`
	Next  int               `json:"next,omitempty"`
	Total int               `json:"total"`
	// MaxConcurrency bounds the running iterations; 0 is no bound.
	MaxConcurrency int64 `json:"maxConcurrency,omitempty"`
	// Tolerance is a Distributed Map's failure tolerance (nil: none).
	Tolerance *Tolerance `json:"tolerance,omitempty"`
	// MapRun is the ARN of a Distributed Map's Map Run whose iterations
	// are child executions (maprun.go); "" when they run inside this one.
	MapRun string `json:"mapRun,omitempty"`
	// InlineRun: the Map Run's children are EXPRESS, and run inside this
	// execution as inline iterations do (no histories of their own).
	InlineRun bool `json:"inlineRun,omitempty"`
	// ChildDef and ChildMachine are the definition key and the state
	// machine ARN of a Map Run's children; StartedAt is when it started.
	ChildDef     string    `json:"childDef,omitempty"`
	ChildMachine string    `json:"childMachine,omitempty"`
	StartedAt    time.Time `json:"startedAt,omitzero"`
	Failures     int       `json:"failures,omitempty"`
	Children     []*Child  `json:"children"`
	// Failed is the failure that ends the fork: the first branch or
	// iteration failure that is not tolerated.
	Failed *asl.Failure `json:"failed,omitempty"`
}

// Tolerance is ToleratedFailureCount / ToleratedFailurePercentage.
type Tolerance struct {
	Count   int64   `json:"count"`
	Percent float64 `json:"percent"`
}

// Child is one branch (Index is the branch) or iteration (Index is the
// item's index).
type Child struct {
	Index  int    `json:"index"`
	Cursor Cursor `json:"cursor"`
	// Input is the branch's or iteration's input while it has not
	// succeeded: a redrive reruns it from there.
	Input json.RawMessage `json:"input,omitempty"`
}

// Then is the decision a Wait state carries out when it ends.
type Then struct {
	Succeed  bool            `json:"succeed,omitempty"`
	State    string          `json:"state,omitempty"`
	Output   json.RawMessage `json:"output"`
	Assigned map[string]any  `json:"assigned,omitempty"`
}

// Task is a Task state's scheduled work, as the Invoker receives it.
type Task struct {
	Resource         string          `json:"resource"`
	Parameters       json.RawMessage `json:"parameters"`
	TimeoutSeconds   int64           `json:"timeoutSeconds,omitempty"`
	HeartbeatSeconds int64           `json:"heartbeatSeconds,omitempty"`
	// Token is the task token of a task that completes by callback (an
	// activity, or .waitForTaskToken); "" for a request-response call.
	Token string `json:"token,omitempty"`
	// Submitted: a .waitForTaskToken or .sync call went out and the task
	// now waits for SendTaskSuccess or SendTaskFailure, the end of the
	// work it started, or its next poll.
	Submitted bool `json:"submitted,omitempty"`
	// Submission is what the call that submitted a .sync task returned
	// (a job's id, say): each poll gets it.
	Submission json.RawMessage `json:"submission,omitempty"`
	// PollDue is when a submitted .sync task asks its service again
	// whether the work it started has ended; zero when the end comes by
	// itself (a nested execution reports it).
	PollDue time.Time `json:"pollDue,omitzero"`
	// Deadline (TimeoutSeconds) and HeartbeatDue (HeartbeatSeconds after the
	// last sign of life) end the task with States.Timeout or
	// States.HeartbeatTimeout; zero when not set.
	Deadline     time.Time `json:"deadline,omitzero"`
	HeartbeatDue time.Time `json:"heartbeatDue,omitzero"`
	// ScheduledAt is when the task was scheduled, for its metrics' times.
	ScheduledAt time.Time `json:"scheduledAt,omitzero"`
	// Outcome is the task's result once known (from the call, a callback or
	// a timer), until the step that reports it commits.
	Outcome *Outcome `json:"outcome,omitempty"`
}

// Activity returns the activity ARN a task runs, "" when it is no activity.
func (t *Task) Activity() string {
	if p := strings.SplitN(t.Resource, ":", 7); len(p) == 7 && p[2] == "states" && p[5] == "activity" {
		return t.Resource
	}
	return ""
}

// Callback reports whether the task completes by a task token.
func (t *Task) Callback() bool { return t.Token != "" }

// Sync reports whether the task runs a job to its end: the .sync and
// .sync:2 integration patterns.
func (t *Task) Sync() bool { return isSync(t.Resource) }

func isSync(resource string) bool {
	return strings.HasSuffix(resource, ".sync") || strings.HasSuffix(resource, ".sync:2")
}

// Lambda reports whether the task's Resource is a Lambda function ARN.
func (t *Task) Lambda() bool { return isLambdaARN(t.Resource) }

func isLambdaARN(resource string) bool {
	p := strings.SplitN(resource, ":", 7)
	return len(p) >= 7 && p[0] == "arn" && p[2] == "lambda" && p[5] == "function"
}

// Region is the region of the execution, from its ARN.
func (x *Execution) Region() string { return arnField(x.ARN, 3) }

// Account is the account of the execution, from its ARN.
func (x *Execution) Account() string { return arnField(x.ARN, 4) }

func arnField(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) <= i {
		return ""
	}
	return parts[i]
}

func invTime(t time.Time) string {
	return fmt.Sprintf("%019d", math.MaxInt64-t.UnixNano())
}

func (x *Execution) record() (*store.Record, error) {
	b, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("sfn engine: encode execution: %w", err)
	}
	inv := invTime(x.StartDate)
	r := &store.Record{
		Table: tableExecution, Key: x.ARN, Value: b, Version: x.version,
		Indexes: map[string]string{
			indexMachine:       x.StateMachineARN + "|" + inv,
			indexMachineStatus: x.StateMachineARN + "|" + x.Status + "|" + inv,
		},
	}
	if x.VersionARN != "" {
		r.Indexes[indexVersion] = x.VersionARN + "|" + inv
	}
	if x.AliasARN != "" {
		r.Indexes[indexAlias] = x.AliasARN + "|" + inv
	}
	if x.MapRunARN != "" {
		r.Indexes[indexMapRun] = x.MapRunARN + "|" + inv
	}
	return r, nil
}

func decodeExecution(r *store.Record) (*Execution, error) {
	var x Execution
	dec := json.NewDecoder(bytes.NewReader(r.Value))
	dec.UseNumber() // variables keep their numbers exactly, as asl wants them
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("sfn engine: decode execution %s: %w", r.Key, err)
	}
	x.version = r.Version
	return &x, nil
}

// ErrNotFound is returned for an execution that does not exist.
var ErrNotFound = errors.New("sfn engine: no such execution")

// Get reads an execution.
func Get(ctx context.Context, tx store.Tx, arn string) (*Execution, error) {
	r, err := tx.RecordGet(ctx, tableExecution, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sfn engine: read execution: %w", err)
	}
	return decodeExecution(r)
}

// ListParams selects a page of a state machine's executions, newest first.
type ListParams struct {
	StateMachineARN string
	// VersionARN or AliasARN (instead of StateMachineARN) selects the
	// executions started on that version or through that alias.
	VersionARN string
	AliasARN   string
	// MapRunARN (instead of StateMachineARN) selects a Map Run's child
	// executions.
	MapRunARN string
	Status    string // "" for all
	After     string // the cursor a previous page returned
	Limit     int
}

// List returns a page of executions and the cursor of the next page ("" at
// the end).
func List(ctx context.Context, tx store.Tx, p ListParams) ([]*Execution, string, error) {
	sp := &store.RecordScanParams{Table: tableExecution, Index: indexMachine, Prefix: p.StateMachineARN + "|", After: p.After, Limit: p.Limit + 1}
	filterStatus := false
	switch {
	case p.VersionARN != "":
		sp.Index, sp.Prefix, filterStatus = indexVersion, p.VersionARN+"|", p.Status != ""
	case p.AliasARN != "":
		sp.Index, sp.Prefix, filterStatus = indexAlias, p.AliasARN+"|", p.Status != ""
	case p.MapRunARN != "":
		sp.Index, sp.Prefix, filterStatus = indexMapRun, p.MapRunARN+"|", p.Status != ""
	case p.Status != "":
		sp.Index = indexMachineStatus
		sp.Prefix = p.StateMachineARN + "|" + p.Status + "|"
	}
	recs, err := tx.RecordScan(ctx, sp)
	if err != nil {
		return nil, "", fmt.Errorf("sfn engine: list executions: %w", err)
	}
	next := ""
	if len(recs) > p.Limit {
		recs = recs[:p.Limit]
		last := recs[len(recs)-1]
		next = last.Indexes[sp.Index] + "\x00" + last.Key
	}
	out := make([]*Execution, 0, len(recs))
	for i := range recs {
		x, err := decodeExecution(&recs[i])
		if err != nil {
			return nil, "", err
		}
		// The version, alias and map run indexes carry no status: a page filtered
		// here may come back short, with a cursor to the next.
		if filterStatus && x.Status != p.Status {
			continue
		}
		out = append(out, x)
	}
	return out, next, nil
}

// HistoryParams selects a page of an execution's history.
type HistoryParams struct {
	ARN     string
	After   int64 // event id, exclusive; 0 = from the start (or end when Reverse)
	Limit   int
	Reverse bool
}

// History reads events of an execution's history.
func History(ctx context.Context, tx store.Tx, p HistoryParams) ([]HistoryEvent, error) {
	entries, err := tx.LogRead(ctx, &store.LogReadParams{Log: logPrefix + p.ARN, After: p.After, Limit: p.Limit, Reverse: p.Reverse})
	if err != nil {
		return nil, fmt.Errorf("sfn engine: read history: %w", err)
	}
	out := make([]HistoryEvent, len(entries))
	for i, e := range entries {
		if err := json.Unmarshal(e.Data, &out[i]); err != nil {
			return nil, fmt.Errorf("sfn engine: decode history event %d: %w", e.Seq, err)
		}
	}
	return out, nil
}

// DefinitionKey is the content address of a definition.
func DefinitionKey(def []byte) string {
	sum := sha256.Sum256(def)
	return hex.EncodeToString(sum[:])
}

// PutDefinition stores a definition under its content address and returns
// the key. Executions refer to the definition they started with, so an
// UpdateStateMachine never changes a running execution.
func PutDefinition(ctx context.Context, tx store.Tx, def []byte) (string, error) {
	key := DefinitionKey(def)
	if _, err := tx.RecordGet(ctx, tableDefinition, key); err == nil {
		return key, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("sfn engine: read definition: %w", err)
	}
	if err := tx.RecordPut(ctx, &store.Record{Table: tableDefinition, Key: key, Value: def}); err != nil {
		return "", fmt.Errorf("sfn engine: write definition: %w", err)
	}
	return key, nil
}

// GetDefinition reads a definition by its key.
func GetDefinition(ctx context.Context, tx store.Tx, key string) ([]byte, error) {
	r, err := tx.RecordGet(ctx, tableDefinition, key)
	if err != nil {
		return nil, fmt.Errorf("sfn engine: read definition %s: %w", key, err)
	}
	return r.Value, nil
}
