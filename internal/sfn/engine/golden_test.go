package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

// txtar reads the golden archives of internal/asl: "-- name --" sections.
func txtar(data string) map[string]string {
	files := map[string]string{}
	cur := ""
	var buf strings.Builder
	for _, line := range strings.SplitAfter(data, "\n") {
		t := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			if cur != "" {
				files[cur] = buf.String()
			}
			cur = strings.TrimSpace(t[3 : len(t)-3])
			buf.Reset()
			continue
		}
		buf.WriteString(line)
	}
	if cur != "" {
		files[cur] = buf.String()
	}
	return files
}

type scripted struct {
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
	Cause  string          `json:"cause"`
}

// scriptInvoker answers tasks as the golden fixtures' tasks.json scripts
// them (by state name, found through the resource); an unscripted task
// returns its parameters, as the asl golden driver does.
type scriptInvoker struct {
	mu       sync.Mutex
	byRes    map[string]string // resource → state name
	outcomes map[string][]scripted
	calls    int
}

func (si *scriptInvoker) InProcess(*engine.Task) bool { return false }

func (si *scriptInvoker) Invoke(_ context.Context, _ *engine.Execution, t *engine.Task) engine.Outcome {
	si.mu.Lock()
	defer si.mu.Unlock()
	si.calls++
	name := si.byRes[t.Resource]
	q := si.outcomes[name]
	if len(q) == 0 {
		return engine.Outcome{Result: t.Parameters}
	}
	o := q[0]
	si.outcomes[name] = q[1:]
	if o.Error != "" {
		return engine.Failure(o.Error, o.Cause)
	}
	if len(o.Result) == 0 {
		return engine.Outcome{Result: json.RawMessage("null")}
	}
	return engine.Outcome{Result: o.Result}
}

// resources maps each Task's Resource to its state name, nested states too.
func resources(doc any, out map[string]string) {
	m, _ := doc.(map[string]any)
	states, _ := m["States"].(map[string]any)
	for name, v := range states {
		st, _ := v.(map[string]any)
		if r, ok := st["Resource"].(string); ok {
			if _, dup := out[r]; dup {
				name = "" // several states share it: not scriptable by resource
			}
			out[r] = name
		}
		if bs, ok := st["Branches"].([]any); ok {
			for _, b := range bs {
				resources(b, out)
			}
		}
		for _, k := range []string{"ItemProcessor", "Iterator"} {
			if p, ok := st[k]; ok {
				resources(p, out)
			}
		}
	}
}

// rig is an engine on a SQLite store and a manual clock.
type rig struct {
	t      *testing.T
	dir    string
	clk    *clock.Manual
	st     store.Store
	eng    *engine.Engine
	runner *jobs.Runner
	inv    engine.Invoker
}

var goldenStart = time.Date(2024, 6, 11, 12, 23, 4, 0, time.UTC)

func newRig(t *testing.T, inv engine.Invoker) *rig {
	r := &rig{t: t, dir: t.TempDir(), clk: clock.NewManual(goldenStart), inv: inv}
	r.open()
	return r
}

func (r *rig) open() {
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: r.dir, Clock: r.clk})
	if err != nil {
		r.t.Fatal(err)
	}
	r.st = st
	r.eng = engine.New(engine.Config{Store: st, Clock: r.clk, Invoker: r.inv})
	r.runner = jobs.New(jobs.Config{Store: st, Clock: r.clk, Queue: engine.Queue, Handler: r.eng.Handle, Workers: 4})
	r.t.Cleanup(r.close)
}

func (r *rig) close() {
	if r.st != nil {
		_ = r.runner.Stop(context.Background())
		_ = r.st.Close()
		r.st = nil
	}
}

const goldenARN = "arn:aws:states:us-east-1:123456789012:execution:golden:golden-execution"

func (r *rig) start(arn, def, input string) *asl.Machine {
	r.t.Helper()
	ctx := context.Background()
	var key string
	if err := r.st.Update(ctx, func(tx store.Tx) error {
		var err error
		key, err = engine.PutDefinition(ctx, tx, []byte(def))
		return err
	}); err != nil {
		r.t.Fatal(err)
	}
	m, err := r.eng.Machine(ctx, key)
	if err != nil {
		r.t.Fatal(err)
	}
	x := &engine.Execution{
		ARN: arn, StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:golden", StateMachine: "golden",
		Name: arn[strings.LastIndexByte(arn, ':')+1:], RoleARN: "arn:aws:iam::123456789012:role/golden", Definition: key,
		Input: input, StartDate: r.clk.Now(),
	}
	if err := r.st.Update(ctx, func(tx store.Tx) error { return r.eng.Start(ctx, tx, m, x) }); err != nil {
		r.t.Fatal(err)
	}
	return m
}

func (r *rig) get(arn string) *engine.Execution {
	r.t.Helper()
	var x *engine.Execution
	if err := r.st.View(context.Background(), func(tx store.Tx) error {
		var err error
		x, err = engine.Get(context.Background(), tx, arn)
		return err
	}); err != nil {
		r.t.Fatal(err)
	}
	return x
}

func (r *rig) history(arn string) []engine.HistoryEvent {
	r.t.Helper()
	var evs []engine.HistoryEvent
	if err := r.st.View(context.Background(), func(tx store.Tx) error {
		var err error
		evs, err = engine.History(context.Background(), tx, engine.HistoryParams{ARN: arn})
		return err
	}); err != nil {
		r.t.Fatal(err)
	}
	return evs
}

// finish drains and moves the clock on until the execution ends.
func (r *rig) finish(arn string) *engine.Execution {
	r.t.Helper()
	for range 200 {
		r.runner.Drain(context.Background())
		if x := r.get(arn); x.Status != engine.StatusRunning {
			return x
		}
		r.clk.Advance(time.Minute)
	}
	r.t.Fatalf("%s still running", arn)
	return nil
}

// checkHistory asserts what AWS's histories hold: ids 1..n, every event
// after an earlier one (inside a branch or iteration, that branch's
// previous event), one ExecutionStarted first and one closing event last.
func checkHistory(t testing.TB, evs []engine.HistoryEvent) {
	t.Helper()
	if len(evs) == 0 || evs[0].Type != engine.EventExecutionStarted {
		t.Fatalf("history does not start with ExecutionStarted: %v", types(evs))
	}
	for i, ev := range evs {
		if ev.ID != int64(i+1) || ev.PreviousEventID < 0 || ev.PreviousEventID >= ev.ID || (i > 0 && ev.PreviousEventID == 0) {
			t.Fatalf("event %d (%s): id %d previousEventId %d", i, ev.Type, ev.ID, ev.PreviousEventID)
		}
		if i > 0 && ev.Timestamp.Before(evs[i-1].Timestamp) {
			t.Fatalf("event %d goes back in time", ev.ID)
		}
	}
	last := evs[len(evs)-1].Type
	if !strings.HasPrefix(last, "Execution") || last == engine.EventExecutionStarted {
		t.Fatalf("history does not end the execution: %v", types(evs))
	}
}

func types(evs []engine.HistoryEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func jsonEqual(a, b string) bool {
	var x, y any
	da := json.NewDecoder(strings.NewReader(a))
	da.UseNumber()
	db := json.NewDecoder(strings.NewReader(b))
	db.UseNumber()
	if da.Decode(&x) != nil || db.Decode(&y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// The asl golden fixtures run through the real engine: durable steps on
// SQLite, Parallel branches and Map iterations as parts of one execution,
// waits and retries on the manual clock. Output or error must be the
// fixture's; the history must be well formed.
func TestGoldenThroughEngine(t *testing.T) {
	files, _ := filepath.Glob("../../asl/testdata/golden/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		a := txtar(string(data))
		if _, ok := a["diagnostics.txt"]; ok {
			continue
		}
		if _, ok := a["context.json"]; ok {
			continue // a context the engine does not make (redrives, a fixed token)
		}
		if strings.Contains(name, "random") || strings.Contains(name, "uuid") {
			continue // the engine's random source is not the fixture's
		}
		t.Run(name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(a["definition.json"]), &doc); err != nil {
				t.Fatal(err)
			}
			inv := &scriptInvoker{byRes: map[string]string{}, outcomes: map[string][]scripted{}}
			resources(doc, inv.byRes)
			if s, ok := a["tasks.json"]; ok {
				if err := json.Unmarshal([]byte(s), &inv.outcomes); err != nil {
					t.Fatal(err)
				}
				for _, state := range inv.byRes {
					if state == "" {
						t.Skip("states share a resource; the seed tests in internal/sfn run these")
					}
				}
			}
			input := strings.TrimSpace(a["input.json"])
			if input == "" {
				input = "{}"
			}
			r := newRig(t, inv)
			r.start(goldenARN, a["definition.json"], input)
			x := r.finish(goldenARN)
			if want, ok := a["output.json"]; ok {
				if x.Status != engine.StatusSucceeded || x.Output == nil || !jsonEqual(*x.Output, want) {
					t.Errorf("status %s output %v error %s cause %s; want output %s", x.Status, deref(x.Output), x.Error, x.Cause, want)
				}
			}
			if want, ok := a["error.json"]; ok {
				var w struct{ Error, Cause string }
				_ = json.Unmarshal([]byte(want), &w)
				if x.Status != engine.StatusFailed || x.Error != w.Error || x.Cause != w.Cause {
					t.Errorf("status %s error %q cause %q; want %q %q", x.Status, x.Error, x.Cause, w.Error, w.Cause)
				}
			}
			checkHistory(t, r.history(goldenARN))
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
