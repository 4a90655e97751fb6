package asl

import "time"

// Decision is what the engine must do next. It is one of *Next, *Succeed,
// *Fail, *RunTask, *Wait, *RunBranches, *RunMap, *Retry and *Catch.
type Decision interface{ decision() }

// Next moves the execution to State with Output as its input, after the
// engine applies Assigned to the current variable scope.
type Next struct {
	State    string
	Output   any
	Assigned map[string]any
}

// Succeed ends the machine (or branch, or iteration) with Output: a Succeed
// state, or a state with "End": true.
type Succeed struct {
	Output   any
	Assigned map[string]any
}

// Fail ends the machine with an error: a Fail state, or an error that no
// Retrier or Catcher took.
type Fail struct {
	Error string
	Cause string
}

// RunTask asks the engine to run a Task state's resource. It reports back
// with TaskSucceeded or TaskFailed. TimeoutSeconds and HeartbeatSeconds are 0
// when the state sets none (AWS's default task timeout is the execution's).
type RunTask struct {
	Resource         string
	Parameters       any // the effective input: Parameters or Arguments rendered
	TimeoutSeconds   int64
	HeartbeatSeconds int64
	Credentials      any // nil when the state has none
}

// Wait asks the engine to wait until Until and then carry out Then (a *Next
// or a *Succeed).
type Wait struct {
	Until time.Time
	Then  Decision
}

// RunBranches asks the engine to run each branch machine with Input in a
// child variable scope, and to report the outputs, in branch order, with
// TaskSucceeded (or the first failure with TaskFailed).
type RunBranches struct {
	Branches []*Machine
	Input    any
}

// RunMap asks the engine to run Processor once per item (each in a child
// variable scope, its context's Map.Item set), and report the outputs in item
// order with TaskSucceeded, or a failure with TaskFailed.
type RunMap struct {
	// Items are the iterations' inputs, ItemSelector already applied. With an
	// ItemReader the engine reads the items itself (Items is nil) and applies
	// ItemSelector through SelectItem.
	Items         []any
	Processor     *Machine
	Mode          string // INLINE or DISTRIBUTED
	ExecutionType string // STANDARD or EXPRESS for DISTRIBUTED
	// MaxConcurrency is 0 for no limit.
	MaxConcurrency int64
	// ToleratedFailureCount and ToleratedFailurePercentage are the
	// Distributed Map's thresholds; HasTolerance says whether either is set.
	ToleratedFailureCount      int64
	ToleratedFailurePercentage float64
	HasTolerance               bool
	ItemReader                 *ItemReader
	ItemBatcher                *ItemBatcher
	ResultWriter               *ResultWriter
	Label                      string
}

// ItemReader is a Distributed Map's reader with its Parameters rendered.
type ItemReader struct {
	Resource     string
	Parameters   any
	ReaderConfig map[string]any
}

// ItemBatcher is a Distributed Map's batching, limits resolved (0 = unset).
type ItemBatcher struct {
	MaxItemsPerBatch      int64
	MaxInputBytesPerBatch int64
	BatchInput            any
}

// ResultWriter is a Distributed Map's result writer with Parameters rendered.
type ResultWriter struct {
	Resource     string
	Parameters   any
	WriterConfig map[string]any
}

// Retry asks the engine to run the state again after After. Counts are the
// per-retrier attempt counts to pass back (in Env.RetryCounts) with the next
// failure of this state; Retrier is the index of the retrier that matched.
type Retry struct {
	After   time.Duration
	Retrier int
	Counts  []int
	Failure Failure
}

// Catch moves the execution to Next with Output, after applying Assigned:
// Catcher (its index) matched Failure.
type Catch struct {
	Next     string
	Output   any
	Assigned map[string]any
	Catcher  int
	Failure  Failure
}

func (*Next) decision()        {}
func (*Succeed) decision()     {}
func (*Fail) decision()        {}
func (*RunTask) decision()     {}
func (*Wait) decision()        {}
func (*RunBranches) decision() {}
func (*RunMap) decision()      {}
func (*Retry) decision()       {}
func (*Catch) decision()       {}
