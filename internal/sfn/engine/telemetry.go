package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/metrics"
	"github.com/shoal-dev/shoal/internal/store"
)

// Telemetry: an execution's CloudWatch Logs records (its machine's
// loggingConfiguration) are appended to a store log — an outbox — in the
// same transaction as the history events they describe, and a job of
// TelemetryQueue per outbox log tells the service to deliver them; its
// AWS/States metrics go the same way through the metrics outbox
// (Metrics). Nothing is lost when no CloudWatch service is registered:
// the records stay in the store.
const (
	// TelemetryQueue holds one job per log outbox with undelivered entries.
	TelemetryQueue = "sfn.telemetry"
	// LogsPrefix + a log group ARN is the outbox of that log group.
	LogsPrefix = "sfn.logs/"
	// maxLogData: CloudWatch Logs truncates input or output over 248 KB
	// (the developer guide's "CloudWatch Logs payloads").
	maxLogData = 248 * 1024
)

// Logging is the loggingConfiguration an execution logs with, copied
// from its machine when it starts.
type Logging struct {
	Level                string `json:"level"`
	IncludeExecutionData bool   `json:"includeExecutionData,omitempty"`
	LogGroupARN          string `json:"logGroupArn"`
}

// LogEntry is an outbox entry of a log group: one log event.
type LogEntry struct {
	Stream    string `json:"stream"`
	Timestamp int64  `json:"timestamp"` // Unix milliseconds
	Message   string `json:"message"`
}

// LogRecord is the record Step Functions writes to CloudWatch Logs for a
// history event (the developer guide's "Logging using CloudWatch Logs"):
// numbers are strings, the timestamp Unix milliseconds.
type LogRecord struct {
	ID              string          `json:"id"`
	Type            string          `json:"type"`
	Details         json.RawMessage `json:"details"`
	PreviousEventID string          `json:"previous_event_id"`
	EventTimestamp  string          `json:"event_timestamp"`
	ExecutionARN    string          `json:"execution_arn"`
	RedriveCount    string          `json:"redrive_count"`
}

// Metrics is the outbox of AWS/States metrics (internal/metrics).
var Metrics = metrics.NewOutbox("sfn", "AWS/States")

// taskMetric names the metrics of one Task's resource: its dimension and
// the stem of its metric names ("ServiceIntegration", "LambdaFunction",
// "Activit" + ies/y).
type taskMetric struct {
	dimension, plural, singular string
}

func taskMetricsOf(t *Task) taskMetric {
	switch {
	case t.Activity() != "":
		return taskMetric{"ActivityArn", "Activities", "Activity"}
	case t.Lambda():
		return taskMetric{"LambdaFunctionArn", "LambdaFunctions", "LambdaFunction"}
	}
	return taskMetric{"ServiceIntegrationResourceArn", "ServiceIntegrations", "ServiceIntegration"}
}

// taskMetric adds one metric of a task's resource to the step; the
// metrics of tasks (taskScheduled, taskEnded) are kept beside those
// telemetryOf derives from the events.
func (s *step) taskMetric(t *Task, name string, value float64, unit string) {
	tm := taskMetricsOf(t)
	s.metrics = append(s.metrics, metrics.Datum{Name: name, Dimensions: []metrics.Dimension{{Name: tm.dimension, Value: t.Resource}},
		Value: value, Unit: unit, Timestamp: s.now})
}

// taskScheduled counts a task scheduled (and, for any but an activity,
// started: its call goes out at once).
func (s *step) taskScheduled(t *Task) {
	tm := taskMetricsOf(t)
	s.taskMetric(t, tm.plural+"Scheduled", 1, "Count")
	if t.Activity() == "" {
		s.taskMetric(t, tm.plural+"Started", 1, "Count")
	}
}

// taskEnded counts how a task ended and how long it took since it was
// scheduled.
func (s *step) taskEnded(t *Task, o *Outcome) {
	tm := taskMetricsOf(t)
	switch {
	case o.Failure == nil:
		s.taskMetric(t, tm.plural+"Succeeded", 1, "Count")
	case o.TimedOut && o.Failure.Error == asl.ErrHeartbeatTimeout && t.Activity() != "":
		s.taskMetric(t, tm.plural+"HeartbeatTimedOut", 1, "Count")
	case o.TimedOut:
		s.taskMetric(t, tm.plural+"TimedOut", 1, "Count")
	default:
		s.taskMetric(t, tm.plural+"Failed", 1, "Count")
	}
	if !t.ScheduledAt.IsZero() {
		ms := float64(s.now.Sub(t.ScheduledAt).Milliseconds())
		s.taskMetric(t, tm.singular+"Time", ms, "Milliseconds")
		if t.Activity() == "" {
			s.taskMetric(t, tm.singular+"RunTime", ms, "Milliseconds")
			s.taskMetric(t, tm.singular+"ScheduleTime", 0, "Milliseconds")
		}
	}
}

// errorLevel reports the ERROR level's event types (the guide's "Log
// levels").
func errorLevel(typ string) bool {
	switch typ {
	case EventExecutionAborted, EventExecutionFailed, EventExecutionTimedOut, EventFailStateEntered,
		EventLambdaFunctionFailed, "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed", EventLambdaFunctionTimedOut,
		EventMapIterationAborted, EventMapIterationFailed, EventMapStateAborted, EventMapStateFailed, EventMapRunAborted, EventMapRunFailed,
		EventParallelStateAborted, EventParallelStateFailed, EventTaskFailed, EventTaskStartFailed,
		EventTaskStateAborted, EventTaskSubmitFailed, EventTaskTimedOut, EventWaitStateAborted:
		return true
	}
	return false
}

func (l *Logging) selects(typ string) bool {
	switch l.Level {
	case "ALL":
		return true
	case "ERROR":
		return errorLevel(typ)
	case "FATAL":
		return typ == EventExecutionAborted || typ == EventExecutionFailed || typ == EventExecutionTimedOut
	}
	return false
}

// logStream is the stream an execution's records go to:
// states/<machine>/<start, to the minute>/<execution name>.
func (x *Execution) logStream() string {
	return "states/" + x.StateMachine + "/" + x.StartDate.UTC().Format("2006-01-02-15-04") + "/" + x.Name
}

// telemetry is what a step adds to the outboxes.
type telemetry struct {
	logGroup string
	logs     [][]byte
	metrics  []metrics.Datum
}

// telemetryOf encodes the log records and metrics of a step's events,
// outside the transaction (the store has one writer).
func telemetryOf(x *Execution, events []HistoryEvent, extra []metrics.Datum) (*telemetry, error) {
	t := &telemetry{metrics: extra}
	if l := x.Logging; l != nil && l.LogGroupARN != "" {
		t.logGroup = l.LogGroupARN
		for _, ev := range events {
			if !l.selects(ev.Type) {
				continue
			}
			b, err := logEntry(x, l, ev)
			if err != nil {
				return nil, err
			}
			t.logs = append(t.logs, b)
		}
	}
	for _, ev := range events {
		var names []string
		switch ev.Type {
		case EventExecutionStarted:
			names = []string{"ExecutionsStarted"}
		case EventExecutionSucceeded:
			names = []string{"ExecutionsSucceeded"}
		case EventExecutionFailed:
			names = []string{"ExecutionsFailed"}
		case EventExecutionAborted:
			names = []string{"ExecutionsAborted"}
		case EventExecutionTimedOut:
			names = []string{"ExecutionsTimedOut"}
		}
		machine := metrics.Dimension{Name: "StateMachineArn", Value: x.StateMachineARN}
		for _, n := range names {
			t.metrics = append(t.metrics, metrics.Count(n, ev.Timestamp, machine))
		}
		if closing(ev.Type) {
			ms := float64(ev.Timestamp.Sub(x.StartDate).Milliseconds())
			t.metrics = append(t.metrics, metrics.Datum{Name: "ExecutionTime", Dimensions: []metrics.Dimension{machine}, Value: ms, Unit: "Milliseconds", Timestamp: ev.Timestamp})
		}
	}
	return t, nil
}

func logEntry(x *Execution, l *Logging, ev HistoryEvent) ([]byte, error) {
	if !l.IncludeExecutionData {
		ev = ev.WithoutData()
	}
	// The details are the event's one *EventDetails member.
	var all map[string]json.RawMessage
	b, err := json.Marshal(&ev)
	if err != nil {
		return nil, fmt.Errorf("sfn engine: encode log record: %w", err)
	}
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("sfn engine: encode log record: %w", err)
	}
	details := json.RawMessage(`{}`)
	for k, v := range all {
		if strings.HasSuffix(k, "EventDetails") {
			details = truncateData(v)
		}
	}
	rec := LogRecord{
		ID: strconv.FormatInt(ev.ID, 10), Type: ev.Type, Details: details,
		PreviousEventID: strconv.FormatInt(ev.PreviousEventID, 10),
		EventTimestamp:  strconv.FormatInt(ev.Timestamp.UnixMilli(), 10),
		ExecutionARN:    x.ARN, RedriveCount: strconv.Itoa(x.RedriveCount),
	}
	msg, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("sfn engine: encode log record: %w", err)
	}
	return json.Marshal(LogEntry{Stream: x.logStream(), Timestamp: ev.Timestamp.UnixMilli(), Message: string(msg)})
}

// truncateData cuts input and output over maxLogData and marks their
// inputDetails/outputDetails truncated, as CloudWatch Logs records show.
func truncateData(details json.RawMessage) json.RawMessage {
	if len(details) <= maxLogData {
		return details
	}
	var m map[string]any
	if err := json.Unmarshal(details, &m); err != nil {
		return details
	}
	for _, k := range []string{"input", "output"} {
		if s, ok := m[k].(string); ok && len(s) > maxLogData {
			m[k] = s[:maxLogData]
			m[k+"Details"] = map[string]bool{"truncated": true}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return details
	}
	return b
}

// write appends the step's telemetry to the outboxes and makes sure their
// delivery runs.
func (t *telemetry) write(ctx context.Context, tx store.Tx, x *Execution, now time.Time) error {
	if t == nil {
		return nil
	}
	if len(t.logs) > 0 {
		log := LogsPrefix + t.logGroup
		if _, err := tx.LogAppend(ctx, log, t.logs...); err != nil {
			return fmt.Errorf("sfn engine: append telemetry: %w", err)
		}
		if err := tx.JobEnsure(ctx, &store.Job{Queue: TelemetryQueue, ID: log, Due: now}); err != nil {
			return fmt.Errorf("sfn engine: enqueue telemetry: %w", err)
		}
	}
	return Metrics.Append(ctx, tx, x.Account(), x.Region(), now, t.metrics...)
}
