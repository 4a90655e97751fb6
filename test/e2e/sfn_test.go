package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store/postgres/pgtest"
)

const sfnRole = "arn:aws:iam::123456789012:role/service-role/StepFunctions-GlueSession-role"

func seedDefinitionFile(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "internal", "sfn", "testdata", "GlueSession-WaitAndStop.asl.json")
}

type historyEvent struct {
	Type            string `json:"type"`
	ID              int64  `json:"id"`
	PreviousEventID int64  `json:"previousEventId"`
	Timestamp       float64
	Failed          *struct{ Error, Cause string } `json:"executionFailedEventDetails"`
	TaskFailed      *struct {
		Error, Cause, Resource, ResourceType string
	} `json:"taskFailedEventDetails"`
	TaskStartFailed *struct {
		Error, Cause, Resource, ResourceType string
	} `json:"taskStartFailedEventDetails"`
}

func (s *Shoal) history(t *testing.T, arn string) []historyEvent {
	t.Helper()
	var h struct{ Events []historyEvent }
	out := s.MustAWS("stepfunctions", "get-execution-history", "--execution-arn", arn)
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("get-execution-history: %v in %s", err, out)
	}
	return h.Events
}

func (s *Shoal) advance(t *testing.T, seconds int) {
	t.Helper()
	var c struct{ Now string }
	if code := getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", fmt.Sprintf(`{"seconds": %d}`, seconds), &c); code != 200 {
		t.Fatalf("advance %d s: HTTP %d", seconds, code)
	}
}

type execDesc struct {
	Status, Error, Cause, Input, Output string
}

func (s *Shoal) describeExecution(t *testing.T, arn string) execDesc {
	t.Helper()
	var d execDesc
	out := s.MustAWS("stepfunctions", "describe-execution", "--execution-arn", arn)
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("describe-execution: %v in %s", err, out)
	}
	return d
}

func eventTypes(evs []historyEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func checkEventChain(t *testing.T, arn string, evs []historyEvent) {
	t.Helper()
	for i, e := range evs {
		if e.ID != int64(i+1) || e.PreviousEventID != int64(i) {
			t.Fatalf("%s: event %d has id %d previousEventId %d", arn, i, e.ID, e.PreviousEventID)
		}
	}
}

// The seed's Glue machine, verbatim, through the AWS CLI on a manual clock.
// shoal has no Glue yet, so StopSession fails loudly (States.TaskFailed) and
// the seed's Retry runs it after 10, 20 and 40 s before the execution
// fails; the bad-input execution fails with AWS's verbatim cause.
func TestCLIStepFunctionsSeed(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t, "--clock", "manual", "--clock-start", "2024-06-11T12:23:04.586Z")
	out := s.MustAWS("stepfunctions", "create-state-machine", "--name", "GlueSession-WaitAndStop",
		"--definition", "file://"+seedDefinitionFile(t), "--role-arn", sfnRole)
	var created struct{ StateMachineArn string }
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatal(err)
	}
	sm := created.StateMachineArn
	if sm != "arn:aws:states:eu-west-1:123456789012:stateMachine:GlueSession-WaitAndStop" {
		t.Fatalf("state machine ARN %s", sm)
	}
	// The same request again is idempotent; another definition is not.
	if again := s.MustAWS("stepfunctions", "create-state-machine", "--name", "GlueSession-WaitAndStop",
		"--definition", "file://"+seedDefinitionFile(t), "--role-arn", sfnRole); !strings.Contains(again, sm) {
		t.Errorf("idempotent create = %s", again)
	}
	if _, err := s.AWS("stepfunctions", "create-state-machine", "--name", "GlueSession-WaitAndStop",
		"--definition", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "--role-arn", sfnRole); err == nil || !strings.Contains(err.Error(), "(StateMachineAlreadyExists)") {
		t.Errorf("create with another definition: %v", err)
	}
	if _, err := s.AWS("stepfunctions", "create-state-machine", "--name", "bad", "--definition", `{"StartAt":"X","States":{}}`, "--role-arn", sfnRole); err == nil || !strings.Contains(err.Error(), "(InvalidDefinition)") {
		t.Errorf("invalid definition: %v", err)
	}

	run := s.MustAWS("stepfunctions", "start-execution", "--state-machine-arn", sm, "--name", "run",
		"--input", `{"session_id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`)
	bad := s.MustAWS("stepfunctions", "start-execution", "--state-machine-arn", sm, "--name", "bad", "--input", "{\n  \"sessionId\": \"\"\n}")
	var r1, r2 struct{ ExecutionArn string }
	json.Unmarshal([]byte(run), &r1)
	json.Unmarshal([]byte(bad), &r2)
	if _, err := s.AWS("stepfunctions", "start-execution", "--state-machine-arn", sm, "--name", "run", "--input", `{}`); err == nil || !strings.Contains(err.Error(), "(ExecutionAlreadyExists)") {
		t.Errorf("same name, other input: %v", err)
	}
	if _, err := s.AWS("stepfunctions", "start-execution", "--state-machine-arn", sm, "--input", `{not json`); err == nil || !strings.Contains(err.Error(), "(InvalidExecutionInput)") {
		t.Errorf("non-JSON input: %v", err)
	}

	s.advance(t, 29)
	if d := s.describeExecution(t, r1.ExecutionArn); d.Status != "RUNNING" {
		t.Fatalf("after 29 s: %+v", d)
	}
	if got := eventTypes(s.history(t, r1.ExecutionArn)); !slices.Equal(got, []string{"ExecutionStarted", "WaitStateEntered"}) {
		t.Fatalf("after 29 s: %v", got)
	}
	s.advance(t, 1)
	evs := s.history(t, r1.ExecutionArn)
	// shoal has no Glue yet: the call cannot start, and says so.
	if len(evs) != 7 || evs[6].Type != "TaskStartFailed" || evs[6].TaskStartFailed.ResourceType != "aws-sdk:glue" || evs[6].TaskStartFailed.Error != "States.TaskFailed" ||
		!strings.Contains(evs[6].TaskStartFailed.Cause, "glue") {
		t.Fatalf("after 30 s: %v", eventTypes(evs))
	}
	s.advance(t, 70) // retries at +40, +60 and +100
	d := s.describeExecution(t, r1.ExecutionArn)
	if d.Status != "FAILED" || d.Error != "States.TaskFailed" {
		t.Fatalf("after 100 s: %+v", d)
	}
	evs = s.history(t, r1.ExecutionArn)
	checkEventChain(t, r1.ExecutionArn, evs)
	if n := len(evs); n != 17 || evs[n-1].Type != "ExecutionFailed" {
		t.Errorf("history %v", eventTypes(evs))
	}
	if gap := evs[7].Timestamp - evs[6].Timestamp; gap != 10 {
		t.Errorf("first retry after %v s, want 10", gap)
	}

	d = s.describeExecution(t, r2.ExecutionArn)
	wantCause := "An error occurred while executing the state 'StopGlueSession' (entered at the event id #4). The JSONPath '$.session_id' specified for the field 'Id.$' could not be found in the input '{\n  \"sessionId\": \"\"\n}'"
	if d.Status != "FAILED" || d.Error != "States.Runtime" || d.Cause != wantCause {
		t.Errorf("bad input: %+v", d)
	}
	evs = s.history(t, r2.ExecutionArn)
	if len(evs) != 5 || evs[4].Type != "ExecutionFailed" || evs[4].Failed.Cause != wantCause {
		t.Errorf("bad input history %v", eventTypes(evs))
	}
}

// boto3: listing with a status filter and paging, history in reverse,
// and AWS's error codes as botocore's modeled exceptions.
func TestBoto3StepFunctions(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	s := Start(t, "--clock", "manual")
	out, err := s.Python(`
import boto3, json
sfn = boto3.client("stepfunctions")
sm = sfn.create_state_machine(name="waits", roleArn="` + sfnRole + `",
    definition=json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "Next": "P"}, "P": {"Type": "Pass", "Result": {"ok": True}, "End": True}}}))["stateMachineArn"]
arns = [sfn.start_execution(stateMachineArn=sm, name=f"e{i}", input=json.dumps({"i": i}))["executionArn"] for i in range(5)]
sfn.stop_execution(executionArn=arns[0], error="Bored", cause="stopped by the test")
pages = list(sfn.get_paginator("list_executions").paginate(stateMachineArn=sm, statusFilter="RUNNING", PaginationConfig={"PageSize": 2}))
running = [e["name"] for p in pages for e in p["executions"]]
aborted = sfn.describe_execution(executionArn=arns[0])
hist = sfn.get_execution_history(executionArn=arns[0], reverseOrder=True, maxResults=1)
try:
    sfn.describe_execution(executionArn=sm.replace(":stateMachine:", ":execution:") + ":nope")
    missing = "no error"
except sfn.exceptions.ExecutionDoesNotExist as e:
    missing = e.response["Error"]["Code"]
try:
    sfn.create_state_machine(name="has space", roleArn="` + sfnRole + `", definition='{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}')
    badname = "no error"
except sfn.exceptions.InvalidName as e:
    badname = e.response["Error"]["Code"]
print(json.dumps({"running": running, "pages": len(pages), "aborted": [aborted["status"], aborted["error"], aborted["cause"]],
    "last": hist["events"][0]["type"], "hasNext": "nextToken" in hist, "missing": missing, "badname": badname}))
`)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Running []string
		Pages   int
		Aborted []string
		Last    string
		HasNext bool
		Missing string
		Badname string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// All started at the same (manual) time, so newest-first has no order
	// among them to check here; the unit tests check it.
	slices.Sort(res.Running)
	if !slices.Equal(res.Running, []string{"e1", "e2", "e3", "e4"}) || res.Pages != 2 {
		t.Errorf("running executions %v in %d pages, want e1..e4 in 2", res.Running, res.Pages)
	}
	if !slices.Equal(res.Aborted, []string{"ABORTED", "Bored", "stopped by the test"}) || res.Last != "ExecutionAborted" || !res.HasNext {
		t.Errorf("stopped execution: %v, last event %s, nextToken %v", res.Aborted, res.Last, res.HasNext)
	}
	if res.Missing != "ExecutionDoesNotExist" || res.Badname != "InvalidName" {
		t.Errorf("errors: %s, %s", res.Missing, res.Badname)
	}
}

// SIGKILL in the middle of hundreds of executions (Waits on a scaled clock,
// so timers are firing while the process dies), then restart: every
// execution finishes with one well-formed history — on SQLite and on
// PostgreSQL.
func TestStepFunctionsSurviveSIGKILL(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	for _, st := range []string{"sqlite", "postgres"} {
		t.Run(st, func(t *testing.T) {
			args := []string{"--time-scale", "20"}
			if st == "postgres" {
				args = append(args, "--store", pgtest.NewSchema(t))
			}
			s := Start(t, args...)
			const n = 200
			out, err := s.Python(fmt.Sprintf(`
import boto3, json
sfn = boto3.client("stepfunctions")
sm = sfn.create_state_machine(name="crash", roleArn="%s", definition=json.dumps({"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "W"},
  "W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "C"},
  "C": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThan": 100, "Next": "Big"}], "Default": "Small"},
  "Big": {"Type": "Pass", "Result": "big", "ResultPath": "$.size", "End": True},
  "Small": {"Type": "Succeed"}}}))["stateMachineArn"]
for i in range(%d):
    sfn.start_execution(stateMachineArn=sm, name=f"x{i}", input=json.dumps({"i": i, "wait": 1 + i %% 10}))
print(sm)
`, sfnRole, n))
			if err != nil {
				t.Fatal(err)
			}
			sm := strings.TrimSpace(out)
			s.Kill()
			s.Restart()
			deadline := time.Now().Add(60 * time.Second)
			for {
				out := s.MustAWS("stepfunctions", "list-executions", "--state-machine-arn", sm, "--status-filter", "SUCCEEDED", "--query", "length(executions)")
				if strings.TrimSpace(out) == fmt.Sprint(n) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s executions succeeded after restart, want %d", strings.TrimSpace(out), n)
				}
				time.Sleep(200 * time.Millisecond) // waiting on another process, not timing it
			}
			// Spot-check histories: one start, one wait, a clean chain.
			for _, i := range []int{0, 7, 101, n - 1} {
				arn := strings.Replace(sm, ":stateMachine:", ":execution:", 1) + fmt.Sprintf(":x%d", i)
				evs := s.history(t, arn)
				checkEventChain(t, arn, evs)
				types := eventTypes(evs)
				want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited", "ChoiceStateEntered", "ChoiceStateExited"}
				if i > 100 {
					want = append(want, "PassStateEntered", "PassStateExited", "ExecutionSucceeded")
				} else {
					want = append(want, "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded")
				}
				if !slices.Equal(types, want) {
					t.Errorf("x%d history %v", i, types)
				}
			}
		})
	}
}

var _ = os.Getenv

// SIGKILL in the middle of hundreds of executions that use a Wait, a Task
// retried on its error and caught, a Parallel and a Map (MaxConcurrency 2,
// waiting iterations), on a scaled clock so timers fire while the process
// dies; then restart. Every execution finishes with a well-formed history
// (ids 1..n, each previousEventId an earlier event), and the in-process
// side effect — an SSM PutParameter without Overwrite, which would fail
// with ParameterAlreadyExists if it ran twice — happened exactly once per
// execution. On SQLite and PostgreSQL.
func TestStepFunctionsForksSurviveSIGKILL(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	for _, st := range []string{"sqlite", "postgres"} {
		t.Run(st, func(t *testing.T) {
			args := []string{"--time-scale", "5"}
			if st == "postgres" {
				args = append(args, "--store", pgtest.NewSchema(t))
			}
			s := Start(t, args...)
			const n = 200
			out, err := s.Python(fmt.Sprintf(`
import boto3, json
sfn = boto3.client("stepfunctions")
definition = {"StartAt": "Put", "States": {
  "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ssm:putParameter",
          "Parameters": {"Name.$": "States.Format('/crash/{}', $$.Execution.Name)", "Value": "v", "Type": "String"},
          "ResultPath": None, "Next": "P"},
  "P": {"Type": "Parallel", "ResultPath": "$.par", "Next": "Done", "Branches": [
    {"StartAt": "W", "States": {
      "W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Get"},
      "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ssm:getParameter", "Parameters": {"Name": "/crash/missing"},
              "Retry": [{"ErrorEquals": ["Ssm.ParameterNotFoundException"], "IntervalSeconds": 1, "MaxAttempts": 2}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": True},
      "Caught": {"Type": "Pass", "Result": "caught", "End": True}}},
    {"StartAt": "M", "States": {
      "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": True,
            "ItemProcessor": {"StartAt": "IW", "States": {
              "IW": {"Type": "Wait", "Seconds": 1, "Next": "IP"},
              "IP": {"Type": "Pass", "End": True}}}}}}]},
  "Done": {"Type": "Succeed"}}}
sm = sfn.create_state_machine(name="forks", roleArn="%s", definition=json.dumps(definition))["stateMachineArn"]
for i in range(%d):
    sfn.start_execution(stateMachineArn=sm, name=f"x{i}", input=json.dumps({"wait": 1 + i %% 5, "items": [1, 2, 3]}))
print(sm)
`, sfnRole, n))
			if err != nil {
				t.Fatal(err)
			}
			sm := strings.TrimSpace(out)
			s.Kill()
			s.Restart()
			deadline := time.Now().Add(90 * time.Second)
			for {
				out := s.MustAWS("stepfunctions", "list-executions", "--state-machine-arn", sm, "--status-filter", "RUNNING", "--query", "length(executions)")
				if strings.TrimSpace(out) == "0" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s executions still running after restart", strings.TrimSpace(out))
				}
				time.Sleep(200 * time.Millisecond) // waiting on another process, not timing it
			}
			out, err = s.Python(`
import boto3, json
sfn = boto3.client("stepfunctions")
ssm = boto3.client("ssm")
sm = "` + sm + `"
bad, statuses, params = [], {}, {}
for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=sm):
    for x in page["executions"]:
        statuses[x["status"]] = statuses.get(x["status"], 0) + 1
        evs = [e for p in sfn.get_paginator("get_execution_history").paginate(executionArn=x["executionArn"]) for e in p["events"]]
        types = [e["type"] for e in evs]
        ok = all(e["id"] == i + 1 and 0 <= e.get("previousEventId", 0) < e["id"] for i, e in enumerate(evs))
        ok = ok and types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
        ok = ok and types.count("TaskSucceeded") == 1 and types.count("MapIterationSucceeded") == 3
        ok = ok and types.count("ParallelStateSucceeded") == 1 and types.count("TaskFailed") == 3
        if not ok:
            bad.append([x["name"], types])
for page in ssm.get_paginator("get_parameters_by_path").paginate(Path="/crash"):
    for p in page["Parameters"]:
        params[p["Version"]] = params.get(p["Version"], 0) + 1
print(json.dumps({"statuses": statuses, "bad": bad[:3], "nbad": len(bad), "params": params}))
`)
			if err != nil {
				t.Fatal(err)
			}
			var res struct {
				Statuses map[string]int
				Bad      []any
				NBad     int
				Params   map[string]int
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if res.Statuses["SUCCEEDED"] != n || res.NBad != 0 {
				t.Fatalf("statuses %v; %d malformed histories, e.g. %v", res.Statuses, res.NBad, res.Bad)
			}
			if res.Params["1"] != n || len(res.Params) != 1 {
				t.Errorf("parameters by version %v, want %d at version 1: PutParameter ran once per execution", res.Params, n)
			}
		})
	}
}

// A nested execution with states:startExecution.sync:2, through boto3: the
// parent waits for its child across a SIGKILL and gets the child's output
// as JSON when the child's Wait ends.
func TestBoto3NestedExecutionSurvivesKill(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	s := Start(t, "--clock", "manual")
	out, err := s.Python(`
import boto3, json
sfn = boto3.client("stepfunctions")
child = sfn.create_state_machine(name="child", roleArn="` + sfnRole + `",
    definition=json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "Next": "P"}, "P": {"Type": "Pass", "Result": "done", "ResultPath": "$.child", "End": True}}}))["stateMachineArn"]
parent = sfn.create_state_machine(name="parent", roleArn="` + sfnRole + `",
    definition=json.dumps({"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": child, "Name": "kid", "Input": {"n.$": "$.n", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
        "OutputPath": "$.Output", "End": True}}}))["stateMachineArn"]
print(sfn.start_execution(stateMachineArn=parent, name="p", input=json.dumps({"n": 5}))["executionArn"])
`)
	if err != nil {
		t.Fatal(err)
	}
	arn := strings.TrimSpace(out)
	if d := s.describeExecution(t, arn); d.Status != "RUNNING" {
		t.Fatalf("parent %+v before its child ended", d)
	}
	s.Kill()
	s.Restart()
	s.advance(t, 30)
	eventually(t, "the parent to end", func() bool { return s.describeExecution(t, arn).Status != "RUNNING" })
	d := s.describeExecution(t, arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("parent %+v", d)
	}
	var output map[string]any
	if err := json.Unmarshal([]byte(d.Output), &output); err != nil || output["child"] != "done" || output["n"] != float64(5) {
		t.Errorf("parent output %s (%v), want the child's output as JSON", d.Output, err)
	}
}

// A Distributed Map's Map Run through boto3: ListMapRuns, DescribeMapRun,
// ListExecutions on the mapRunArn and UpdateMapRun parse as the SDK
// expects them, and the run ends when the clock moves.
func TestBoto3MapRun(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	s := Start(t, "--clock", "manual")
	out, err := s.Python(`
import boto3, json
sfn = boto3.client("stepfunctions")
sm = sfn.create_state_machine(name="fan", roleArn="` + sfnRole + `",
    definition=json.dumps({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}}, "End": True}}}))["stateMachineArn"]
arn = sfn.start_execution(stateMachineArn=sm, input=json.dumps({"items": [1, 2, 3]}))["executionArn"]
runs = sfn.list_map_runs(executionArn=arn)["mapRuns"]
mr = runs[0]["mapRunArn"]
sfn.update_map_run(mapRunArn=mr, maxConcurrency=3)
d = sfn.describe_map_run(mapRunArn=mr)
kids = sfn.list_executions(mapRunArn=mr)["executions"]
print(json.dumps({"arn": arn, "mr": mr, "status": d["status"], "max": d["maxConcurrency"], "running": d["itemCounts"]["running"],
    "total": d["executionCounts"]["total"], "kids": len(kids), "kidMapRun": kids[0].get("mapRunArn")}))
`)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Arn, Mr, Status, KidMapRun string
		Max, Running, Total, Kids  int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Status != "RUNNING" || res.Max != 3 || res.Running != 3 || res.Total != 3 || res.Kids != 3 || res.KidMapRun != res.Mr {
		t.Fatalf("map run %+v", res)
	}
	s.advance(t, 5)
	eventually(t, "the parent to end", func() bool { return s.describeExecution(t, res.Arn).Status != "RUNNING" })
	if d := s.describeExecution(t, res.Arn); d.Status != "SUCCEEDED" {
		t.Fatalf("parent %+v", d)
	}
	var mr struct{ Status string }
	if err := json.Unmarshal([]byte(s.MustAWS("stepfunctions", "describe-map-run", "--map-run-arn", res.Mr)), &mr); err != nil || mr.Status != "SUCCEEDED" {
		t.Errorf("describe-map-run: %+v %v", mr, err)
	}
}

// Two shoal processes share one PostgreSQL database: executions started
// through one are finished by the other after the first is SIGKILLed
// (its claimed steps come back when their leases run out), each with one
// well-formed history.
func TestPostgresNodesShareWork(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	url := pgtest.NewSchema(t)
	a := Start(t, "--store", url)
	b := Start(t, "--store", url)
	const n = 100
	out, err := a.Python(fmt.Sprintf(`
import boto3, json
sfn = boto3.client("stepfunctions")
sm = sfn.create_state_machine(name="shared", roleArn="%s", definition=json.dumps({"StartAt": "W", "States": {
  "W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "P"},
  "P": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
for i in range(%d):
    sfn.start_execution(stateMachineArn=sm, name=f"x{i}", input=json.dumps({"wait": 1 + i %% 3}))
print(sm)
`, sfnRole, n))
	if err != nil {
		t.Fatal(err)
	}
	sm := strings.TrimSpace(out)
	a.Kill()
	// The dead process's claims last their 30 s lease; the survivor polls
	// for expired leases every 15 s.
	eventuallyWithin(t, 90*time.Second, "the other process to finish every execution", func() bool {
		out := b.MustAWS("stepfunctions", "list-executions", "--state-machine-arn", sm, "--status-filter", "SUCCEEDED", "--query", "length(executions)")
		return strings.TrimSpace(out) == fmt.Sprint(n)
	})
	for _, i := range []int{0, 50, n - 1} {
		arn := strings.Replace(sm, ":stateMachine:", ":execution:", 1) + fmt.Sprintf(":x%d", i)
		evs := b.history(t, arn)
		checkEventChain(t, arn, evs)
		if got := eventTypes(evs); !slices.Equal(got, []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}) {
			t.Errorf("x%d history %v", i, got)
		}
	}
}
