package asl

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

var update = flag.Bool("update", false, "rewrite the expected sections of testdata/golden/*.txtar")

// archive is a txtar file: a comment, then "-- name --" sections.
type archive struct {
	comment string
	names   []string
	files   map[string]string
}

func parseArchive(data string) *archive {
	a := &archive{files: map[string]string{}}
	cur := ""
	var buf strings.Builder
	flush := func() {
		if cur == "" {
			a.comment = buf.String()
		} else {
			a.files[cur] = buf.String()
			a.names = append(a.names, cur)
		}
		buf.Reset()
	}
	for _, line := range strings.SplitAfter(data, "\n") {
		t := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			flush()
			cur = strings.TrimSpace(t[3 : len(t)-3])
			continue
		}
		buf.WriteString(line)
	}
	flush()
	return a
}

func (a *archive) format() []byte {
	var b bytes.Buffer
	b.WriteString(a.comment)
	for _, n := range a.names {
		fmt.Fprintf(&b, "-- %s --\n", n)
		s := a.files[n]
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		b.WriteString(s)
	}
	return b.Bytes()
}

func (a *archive) set(name, content string) {
	if _, ok := a.files[name]; !ok {
		a.names = append(a.names, name)
	}
	a.files[name] = content
}

func decodeJSON(t testing.TB, s string) any {
	t.Helper()
	v, err := value.Decode([]byte(s))
	if err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return v
}

func indentJSON(v any) string { return prettyJSON(v) + "\n" }

// outcome is one scripted result of a Task in tasks.json.
type outcome struct {
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
	Cause  string          `json:"cause"`
}

// driver runs a machine the way the engine will, deterministically: time
// starts at 2024-06-11T12:23:04Z and moves only for waits and retries, Map
// items and Parallel branches run in order, and event ids count history
// events as AWS does (ExecutionStarted = 1, then StateEntered, task events,
// StateExited, ...). A Task without a scripted outcome returns its input.
type driver struct {
	t       testing.TB
	now     time.Time
	rnd     *rand.Rand
	tasks   map[string][]outcome
	trace   []string
	eventID int64
	ctx     Context
}

const startTime = "2024-06-11T12:23:04Z"

func newDriver(t testing.TB, input any) *driver {
	start, _ := time.Parse(time.RFC3339, startTime)
	return &driver{
		t: t, now: start, rnd: rand.New(rand.NewPCG(1, 1)), tasks: map[string][]outcome{}, eventID: 1,
		ctx: Context{
			Execution: ExecutionContext{
				ID:        "arn:aws:states:us-east-1:123456789012:execution:golden:golden-execution",
				Input:     input,
				Name:      "golden-execution",
				RoleArn:   "arn:aws:iam::123456789012:role/golden",
				StartTime: start,
			},
			StateMachine: StateMachineContext{ID: "arn:aws:states:us-east-1:123456789012:stateMachine:golden", Name: "golden"},
		},
	}
}

func (d *driver) overrideContext(v any) {
	m, _ := v.(map[string]any)
	str := func(m map[string]any, k string) (string, bool) { s, ok := m[k].(string); return s, ok }
	if e, ok := m["Execution"].(map[string]any); ok {
		if s, ok := str(e, "Id"); ok {
			d.ctx.Execution.ID = s
		}
		if s, ok := str(e, "Name"); ok {
			d.ctx.Execution.Name = s
		}
		if s, ok := str(e, "RoleArn"); ok {
			d.ctx.Execution.RoleArn = s
		}
		if s, ok := str(e, "StartTime"); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				d.ctx.Execution.StartTime = t
			}
		}
	}
	if sm, ok := m["StateMachine"].(map[string]any); ok {
		if s, ok := str(sm, "Id"); ok {
			d.ctx.StateMachine.ID = s
		}
		if s, ok := str(sm, "Name"); ok {
			d.ctx.StateMachine.Name = s
		}
	}
	if tk, ok := m["Task"].(map[string]any); ok {
		if s, ok := str(tk, "Token"); ok {
			d.ctx.Task = &TaskContext{Token: s}
		}
	}
}

func (d *driver) log(prefix, format string, args ...any) {
	d.trace = append(d.trace, prefix+fmt.Sprintf(format, args...))
}

// run executes m from StartAt; it returns the output or the failure.
func (d *driver) run(m *Machine, input any, vars *Vars, prefix string) (any, *Failure) {
	name := m.StartAt()
	for steps := 0; steps < 10000; steps++ {
		d.log(prefix, "enter %s", name)
		d.eventID++
		env := &Env{Vars: vars, Now: d.now, Rand: d.rnd, EnteredEventID: d.eventID}
		ctx := d.ctx
		ctx.State = StateContext{Name: name, EnteredTime: d.now}
		env.Context = &ctx
		dec, err := m.Enter(name, input, env)
		if err != nil {
			d.t.Fatalf("Enter(%q): %v", name, err)
		}
		for {
			switch x := dec.(type) {
			case *Wait:
				d.log(prefix, "wait %s", fmtDuration(x.Until.Sub(d.now)))
				if x.Until.After(d.now) {
					d.now = x.Until
				}
				dec = x.Then
				continue
			case *RunTask:
				d.log(prefix, "task %s %s", x.Resource, value.Show(x.Parameters))
				d.eventID += 3 // TaskScheduled, TaskStarted, TaskSucceeded/Failed
				dec = d.task(m, name, input, x, env)
				continue
			case *RunBranches:
				results := make([]any, len(x.Branches))
				var fail *Failure
				for i, b := range x.Branches {
					out, f := d.run(b, x.Input, vars.Child(), fmt.Sprintf("%s  [branch %d] ", prefix, i))
					if f != nil {
						fail = f
						break
					}
					results[i] = out
				}
				dec = d.finish(m, name, input, results, fail, env)
				continue
			case *RunMap:
				results := make([]any, len(x.Items))
				var fail *Failure
				for i, item := range x.Items {
					out, f := d.run(x.Processor, item, vars.Child(), fmt.Sprintf("%s  [item %d] ", prefix, i))
					if f != nil {
						fail = f
						break
					}
					results[i] = out
				}
				dec = d.finish(m, name, input, results, fail, env)
				continue
			case *Retry:
				d.log(prefix, "retry %s", fmtDuration(x.After))
				d.now = d.now.Add(x.After)
				env.RetryCounts = x.Counts
				env.Now = d.now
				retries := 0
				for _, c := range x.Counts {
					retries += c
				}
				ctx.State.RetryCount = retries
				env.ctxValue = nil
				dec, err = m.Enter(name, input, env)
				if err != nil {
					d.t.Fatalf("Enter(%q): %v", name, err)
				}
				continue
			case *Next:
				vars.Assign(x.Assigned)
				d.log(prefix, "next %s", x.State)
				d.eventID++
				name, input = x.State, x.Output
			case *Catch:
				vars.Assign(x.Assigned)
				d.log(prefix, "catch %s", x.Next)
				d.eventID++
				name, input = x.Next, x.Output
			case *Succeed:
				vars.Assign(x.Assigned)
				d.log(prefix, "succeed")
				return x.Output, nil
			case *Fail:
				d.log(prefix, "fail %s", x.Error)
				return nil, &Failure{Error: x.Error, Cause: x.Cause}
			default:
				d.t.Fatalf("unexpected decision %T", dec)
			}
			break
		}
	}
	d.t.Fatalf("too many steps")
	return nil, nil
}

func (d *driver) task(m *Machine, name string, input any, x *RunTask, env *Env) Decision {
	var dec Decision
	var err error
	queue := d.tasks[name]
	if len(queue) == 0 {
		dec, err = m.TaskSucceeded(name, input, x.Parameters, env)
	} else {
		o := queue[0]
		d.tasks[name] = queue[1:]
		if o.Error != "" {
			dec, err = m.TaskFailed(name, input, Failure{Error: o.Error, Cause: o.Cause}, env)
		} else {
			var result any = nil
			if len(o.Result) > 0 {
				result = decodeJSON(d.t, string(o.Result))
			}
			dec, err = m.TaskSucceeded(name, input, result, env)
		}
	}
	if err != nil {
		d.t.Fatalf("task %q: %v", name, err)
	}
	return dec
}

func (d *driver) finish(m *Machine, name string, input any, results []any, fail *Failure, env *Env) Decision {
	var dec Decision
	var err error
	if fail != nil {
		dec, err = m.TaskFailed(name, input, *fail, env)
	} else {
		dec, err = m.TaskSucceeded(name, input, results, env)
	}
	if err != nil {
		d.t.Fatalf("%q: %v", name, err)
	}
	return dec
}

func fmtDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", int64(d/time.Second))
	}
	return fmt.Sprintf("%gs", d.Seconds())
}

func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	if len(files) == 0 {
		t.Skip("no golden files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := parseArchive(string(data))
			changed := runGolden(t, a)
			if *update && changed {
				if err := os.WriteFile(file, a.format(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// runGolden checks one archive; with -update it rewrites the expected
// sections in a and reports whether anything changed.
func runGolden(t *testing.T, a *archive) bool {
	def, ok := a.files["definition.json"]
	if !ok {
		t.Fatal("no definition.json")
	}
	m, diags := Compile([]byte(def))
	if want, ok := a.files["diagnostics.txt"]; ok {
		for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if !diagnosticMatches(line, diags) {
				t.Errorf("no diagnostic matches %q; got:\n%s", line, renderDiags(diags))
			}
		}
		if m != nil {
			t.Errorf("definition compiled, want diagnostics")
		}
		return false
	}
	if m == nil {
		t.Fatalf("compile failed:\n%s", renderDiags(diags))
	}
	input := any(map[string]any{})
	if s, ok := a.files["input.json"]; ok && strings.TrimSpace(s) != "" {
		input = decodeJSON(t, s)
	}
	d := newDriver(t, input)
	if s, ok := a.files["context.json"]; ok {
		d.overrideContext(decodeJSON(t, s))
	}
	if s, ok := a.files["tasks.json"]; ok {
		if err := json.Unmarshal([]byte(s), &d.tasks); err != nil {
			t.Fatalf("tasks.json: %v", err)
		}
	}
	out, fail := d.run(m, input, NewVars(nil), "")
	changed := false
	if fail == nil {
		if want, ok := a.files["output.json"]; ok && !*update {
			if !value.Equal(decodeJSON(t, want), out) {
				t.Errorf("output:\n got %s\nwant %s", value.Show(out), strings.TrimSpace(want))
			}
		} else if *update {
			if want, ok := a.files["output.json"]; !ok || !value.Equal(decodeJSON(t, want), out) {
				a.set("output.json", indentJSON(out))
				changed = true
			}
		} else {
			t.Errorf("execution succeeded with %s, want the failure in error.json", value.Show(out))
		}
		if _, ok := a.files["error.json"]; ok && !*update {
			t.Errorf("execution succeeded with %s, want the failure in error.json", value.Show(out))
		}
	} else {
		got := map[string]any{"error": fail.Error, "cause": fail.Cause}
		want, ok := a.files["error.json"]
		switch {
		case *update:
			if !ok || !value.Equal(decodeJSON(t, want), got) {
				a.set("error.json", indentJSON(got))
				changed = true
			}
		case !ok:
			t.Errorf("execution failed: %s: %s", fail.Error, fail.Cause)
		case !value.Equal(decodeJSON(t, want), got):
			t.Errorf("failure:\n got %s\nwant %s", value.Show(got), strings.TrimSpace(want))
		}
	}
	gotTrace := strings.Join(d.trace, "\n") + "\n"
	if want, ok := a.files["trace.txt"]; ok || *update {
		if strings.TrimRight(want, "\n") != strings.TrimRight(gotTrace, "\n") {
			if *update {
				a.set("trace.txt", gotTrace)
				changed = true
			} else {
				t.Errorf("trace:\n--- got\n%s--- want\n%s", gotTrace, want)
			}
		}
	}
	return changed
}

// diagnosticMatches checks "CODE at LOCATION: message substring". The
// location matches the diagnostic's or one of its ancestors.
func diagnosticMatches(line string, diags []Diagnostic) bool {
	code, rest, _ := strings.Cut(line, " at ")
	loc, msg, _ := strings.Cut(rest, ": ")
	for _, d := range diags {
		if d.Code != code {
			continue
		}
		if d.Location != loc && !strings.HasPrefix(d.Location, loc+"/") {
			continue
		}
		if strings.Contains(d.Message, msg) {
			return true
		}
	}
	return false
}

func renderDiags(diags []Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "  %s %s at %s: %s\n", d.Severity, d.Code, d.Location, d.Message)
	}
	return b.String()
}
