package sfn_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn"
	"github.com/shoal-dev/shoal/internal/store"
)

// Stub CloudWatch Logs and CloudWatch services, in the test registry only.

type putLogEventsInput struct {
	LogGroupName  string `json:"logGroupName" aws:"required"`
	LogStreamName string `json:"logStreamName" aws:"required"`
	LogEvents     []struct {
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	} `json:"logEvents" aws:"required"`
}

type putLogEventsOutput struct{}

type metricDatum struct {
	MetricName string `json:"MetricName"`
	Dimensions []struct {
		Name  string `json:"Name"`
		Value string `json:"Value"`
	} `json:"Dimensions"`
	Timestamp time.Time `json:"Timestamp"`
	Value     float64   `json:"Value"`
	Unit      string    `json:"Unit"`
}

type putMetricDataInput struct {
	Namespace  string        `json:"Namespace" aws:"required"`
	MetricData []metricDatum `json:"MetricData"`
}

type putMetricDataOutput struct{}

type cloudwatch struct {
	mu      sync.Mutex
	logs    []putLogEventsInput
	metrics []putMetricDataInput
}

func (c *cloudwatch) register(r *dispatch.Registry) {
	r.AddService(dispatch.Spec{Name: "logs", SigningName: "logs", Protocols: []string{dispatch.JSON}, TargetPrefix: "Logs_20140328", JSONVersion: "1.1", ValidationCode: "InvalidParameterException"},
		dispatch.Handle("PutLogEvents", func(ctx context.Context, in *putLogEventsInput) (*putLogEventsOutput, error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.logs = append(c.logs, *in)
			return &putLogEventsOutput{}, nil
		}))
	r.AddService(dispatch.Spec{Name: "monitoring", SigningName: "monitoring", Protocols: []string{dispatch.Query}, APIVersion: "2010-08-01", ValidationCode: "InvalidParameterValue"},
		dispatch.Handle("PutMetricData", func(ctx context.Context, in *putMetricDataInput) (*putMetricDataOutput, error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.metrics = append(c.metrics, *in)
			return &putMetricDataOutput{}, nil
		}))
}

const seedLogGroup = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/GlueSession-WaitAndStop-Logs:*"

func (e *env) createLogged(name, def, level string) string {
	e.t.Helper()
	return must[sfn.CreateStateMachineOutput](e, "CreateStateMachine", &sfn.CreateStateMachineInput{Name: name, Definition: def, RoleArn: role,
		LoggingConfiguration: &sfn.LoggingConfiguration{Level: level, IncludeExecutionData: true,
			Destinations: []sfn.LogDestination{{CloudWatchLogsLogGroup: &sfn.CloudWatchLogsLogGroup{LogGroupArn: seedLogGroup}}}}}).StateMachineArn
}

// The seed's logging (ERROR, with execution data) for the bad-input run:
// one ExecutionFailed record in AWS's shape reaches CloudWatch Logs, and
// AWS/States gets ExecutionsStarted, ExecutionsFailed (1) and
// ExecutionTime with the StateMachineArn dimension.
func TestSeedLoggingAndMetrics(t *testing.T) {
	e := newEnv(t)
	cw := &cloudwatch{}
	cw.register(e.reg)
	sm := e.createLogged("GlueSession-WaitAndStop", seedDef(t, "GlueSession-WaitAndStop"), "ERROR")
	arn := e.startExec(sm, "bad", "{\n  \"sessionId\": \"\"\n}")
	e.drain()
	e.clk.Advance(30 * time.Second)
	e.svc.Telemetry().Drain(e.ctx)
	if d := e.describe(arn); d.Status != "FAILED" {
		t.Fatalf("status %s", d.Status)
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if len(cw.logs) != 1 || len(cw.logs[0].LogEvents) != 1 {
		t.Fatalf("PutLogEvents calls %+v", cw.logs)
	}
	call := cw.logs[0]
	if call.LogGroupName != "/aws/vendedlogs/states/GlueSession-WaitAndStop-Logs" || call.LogStreamName != "states/GlueSession-WaitAndStop/2024-06-11-12-23/bad" {
		t.Errorf("group %q stream %q", call.LogGroupName, call.LogStreamName)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(call.LogEvents[0].Message), &rec); err != nil {
		t.Fatal(err)
	}
	details, _ := rec["details"].(map[string]any)
	if rec["type"] != "ExecutionFailed" || rec["id"] != "5" || rec["previous_event_id"] != "4" || rec["execution_arn"] != arn ||
		rec["redrive_count"] != "0" || details["error"] != "States.Runtime" || details["cause"] == "" {
		t.Errorf("log record %s", call.LogEvents[0].Message)
	}
	stop := start.Add(30 * time.Second)
	if rec["event_timestamp"] != strconv.FormatInt(stop.UnixMilli(), 10) || call.LogEvents[0].Timestamp != stop.UnixMilli() {
		t.Errorf("timestamps %v %d", rec["event_timestamp"], call.LogEvents[0].Timestamp)
	}
	got := map[string]float64{}
	for _, c := range cw.metrics {
		if c.Namespace != "AWS/States" {
			t.Errorf("namespace %q", c.Namespace)
		}
		for _, d := range c.MetricData {
			if len(d.Dimensions) != 1 || d.Dimensions[0].Name != "StateMachineArn" || d.Dimensions[0].Value != sm {
				t.Errorf("dimensions %+v", d.Dimensions)
			}
			got[d.MetricName] += d.Value
		}
	}
	if got["ExecutionsStarted"] != 1 || got["ExecutionsFailed"] != 1 || got["ExecutionTime"] != 30000 || len(got) != 3 {
		t.Errorf("metrics %v", got)
	}
}

// Without CloudWatch services the records stay in the store, one log per
// log group, for a later CloudWatch Logs service; level ALL logs every
// event.
func TestLoggingKeptWithoutCloudWatch(t *testing.T) {
	e := newEnv(t)
	sm := e.createLogged("p", passDef, "ALL")
	e.startExec(sm, "one", `{}`)
	e.drain()
	e.svc.Telemetry().Drain(e.ctx)
	var n int
	err := e.st.View(e.ctx, func(tx store.Tx) error {
		entries, err := tx.LogRead(e.ctx, &store.LogReadParams{Log: "sfn.logs/" + seedLogGroup})
		n = len(entries)
		return err
	})
	if err != nil || n != 4 { // ExecutionStarted, PassStateEntered, PassStateExited, ExecutionSucceeded
		t.Fatalf("%d records kept, err %v", n, err)
	}
}

// Without CloudWatch services, Start leaves the telemetry runner off: the
// outbox's delivery job waits in the store, unclaimed, instead of being
// claimed and dropped after every commit (which cost the SQLite writer
// three transactions per commit under load). With the runner on, its wake
// loop would claim the job right after the execution's commit.
func TestTelemetryRunnerOffWithoutCloudWatch(t *testing.T) {
	e := newEnv(t)
	if err := e.svc.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	sm := e.createLogged("p", passDef, "ALL")
	e.startExec(sm, "one", `{}`)
	e.drain()
	err := e.st.View(e.ctx, func(tx store.Tx) error {
		for queue, id := range map[string]string{"sfn.telemetry": "sfn.logs/" + seedLogGroup, "sfn.metrics": "sfn.metrics/123456789012/eu-west-1"} {
			j, err := tx.JobGet(e.ctx, queue, id)
			if err != nil {
				return err
			}
			if j.Attempt != 0 {
				t.Errorf("job %s claimed %d times", id, j.Attempt)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An Express machine that logs sends its executions' histories to its log
// group, and every Express execution counts in AWS/States, through the
// same outbox as Standard executions.
func TestExpressLoggingAndMetrics(t *testing.T) {
	e := newEnv(t)
	cw := &cloudwatch{}
	cw.register(e.reg)
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"Notify"},
		"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:eu-west-1:123456789012:t","Message":"hi"},"End":true}}}`
	sm := must[sfn.CreateStateMachineOutput](e, "CreateStateMachine", &sfn.CreateStateMachineInput{Name: "fast", Definition: def, RoleArn: role, Type: sfn.TypeExpress,
		LoggingConfiguration: &sfn.LoggingConfiguration{Level: "ALL", IncludeExecutionData: true,
			Destinations: []sfn.LogDestination{{CloudWatchLogsLogGroup: &sfn.CloudWatchLogsLogGroup{LogGroupArn: seedLogGroup}}}}}).StateMachineArn
	in := `{"a":1}`
	out := must[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: sm, Input: &in})
	if out.Status != "SUCCEEDED" {
		t.Fatalf("%+v", out)
	}
	var types []string
	e.waitFor(func() bool {
		e.svc.Telemetry().Drain(e.ctx)
		cw.mu.Lock()
		defer cw.mu.Unlock()
		types = types[:0]
		for _, c := range cw.logs {
			for _, le := range c.LogEvents {
				var rec struct {
					Type         string `json:"type"`
					ExecutionArn string `json:"execution_arn"`
				}
				_ = json.Unmarshal([]byte(le.Message), &rec)
				if rec.ExecutionArn != out.ExecutionArn {
					t.Errorf("record of %s", rec.ExecutionArn)
				}
				types = append(types, rec.Type)
			}
		}
		return len(types) > 0 && types[len(types)-1] == "ExecutionSucceeded"
	})
	want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if !slices.Equal(types, want) {
		t.Errorf("logged %v\nwant   %v", types, want)
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	got := map[string]float64{}
	for _, c := range cw.metrics {
		for _, d := range c.MetricData {
			got[d.MetricName] += d.Value
		}
	}
	if got["ExecutionsStarted"] != 1 || got["ExecutionsSucceeded"] != 1 {
		t.Errorf("metrics %v", got)
	}
}

// The seed's machine on its good path counts its service integrations in
// AWS/States by resource: StopSession scheduled three times (two failures,
// then success) and the SNS publish once, each with its time.
func TestServiceIntegrationMetrics(t *testing.T) {
	e := newEnv(t)
	e.stubs.glueFailures = 2
	cw := &cloudwatch{}
	cw.register(e.reg)
	sm := e.create("GlueSession-WaitAndStop", seedDef(t, "GlueSession-WaitAndStop"))
	e.startExec(sm, "s", `{"session_id": "`+sessionID+`"}`)
	e.drain()
	e.clk.Advance(2 * time.Minute)
	e.svc.Telemetry().Drain(e.ctx)
	cw.mu.Lock()
	defer cw.mu.Unlock()
	got := map[string]float64{}
	for _, c := range cw.metrics {
		for _, d := range c.MetricData {
			if len(d.Dimensions) != 1 {
				t.Fatalf("dimensions %+v", d.Dimensions)
			}
			got[d.MetricName+" "+d.Dimensions[0].Name+"="+d.Dimensions[0].Value] += d.Value
		}
	}
	const glue = " ServiceIntegrationResourceArn=arn:aws:states:::aws-sdk:glue:stopSession"
	const sns = " ServiceIntegrationResourceArn=arn:aws:states:::sns:publish"
	for k, want := range map[string]float64{
		"ServiceIntegrationsScheduled" + glue: 3, "ServiceIntegrationsStarted" + glue: 3,
		"ServiceIntegrationsFailed" + glue: 2, "ServiceIntegrationsSucceeded" + glue: 1,
		"ServiceIntegrationsScheduled" + sns: 1, "ServiceIntegrationsSucceeded" + sns: 1,
		"ExecutionsSucceeded StateMachineArn=" + sm: 1,
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if _, ok := got["ServiceIntegrationTime"+glue]; !ok {
		t.Errorf("no ServiceIntegrationTime for StopSession in %v", got)
	}
}
