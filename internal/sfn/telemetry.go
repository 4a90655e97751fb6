package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/outbox"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/store"
)

// Delivery of the engine's log outboxes (engine/telemetry.go): log records
// go to CloudWatch Logs ("logs" PutLogEvents) through the registry, when
// that service is registered. Until then the entries stay in their store
// logs ("sfn.logs/<log group ARN>"), and a CloudWatch Logs service added
// later can read them from there. Delivery is at least once: a cursor
// record per outbox advances after each accepted call. (AWS/States metrics
// go through internal/metrics.)
const tableTelemetryCursor = "sfn.telemetry.cursor"

// telemetryBatch bounds one call (PutLogEvents takes at most 10,000
// events).
const telemetryBatch = 500

// executionLogging is the logging an execution of a machine with
// configuration l does; nil for none.
func executionLogging(l *LoggingConfiguration) *engine.Logging {
	if l == nil || l.Level == "" || l.Level == "OFF" || len(l.Destinations) == 0 || l.Destinations[0].CloudWatchLogsLogGroup == nil {
		return nil
	}
	return &engine.Logging{Level: l.Level, IncludeExecutionData: l.IncludeExecutionData, LogGroupARN: l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn}
}

// deliverTelemetry is the handler of engine.TelemetryQueue: the job's id
// is an outbox log.
func (s *Service) deliverTelemetry(ctx context.Context, j store.Job) error {
	if !strings.HasPrefix(j.ID, engine.LogsPrefix) {
		// A metrics job an older shoal queued here: metrics now have an
		// outbox of their own (internal/metrics).
		return outbox.Drop(ctx, s.st, j)
	}
	if _, registered := s.registry.Service("logs"); !registered {
		// Nowhere to send the entries: they stay in the store; the next
		// commit to the outbox (or a restart) asks again. Reading them
		// first would cost a page of the outbox on every commit.
		return outbox.Drop(ctx, s.st, j)
	}
	return outbox.Deliver(ctx, outbox.Config{Store: s.st, Clock: s.clock, CursorTable: tableTelemetryCursor, Batch: telemetryBatch}, j, s.sendLogs)
}

// sendLogs sends an outbox's records to CloudWatch Logs, one
// PutLogEvents call per stream, in order.
func (s *Service) sendLogs(ctx context.Context, log string, entries []store.LogEntry) error {
	arn := strings.TrimPrefix(log, engine.LogsPrefix)
	p, ok := parseLogGroupARN(arn)
	if !ok {
		return fmt.Errorf("sfn: log group ARN %q", arn)
	}
	type logEvent struct {
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	}
	var streams []string
	byStream := map[string][]logEvent{}
	for _, e := range entries {
		var le engine.LogEntry
		if err := json.Unmarshal(e.Data, &le); err != nil {
			return fmt.Errorf("sfn: decode log entry: %w", err)
		}
		if _, ok := byStream[le.Stream]; !ok {
			streams = append(streams, le.Stream)
		}
		byStream[le.Stream] = append(byStream[le.Stream], logEvent{Timestamp: le.Timestamp, Message: le.Message})
	}
	caller := dispatch.Caller{AccountID: p.account, Region: p.region, InvokedBy: "states.amazonaws.com"}
	for _, st := range streams {
		in, err := json.Marshal(map[string]any{"logGroupName": p.name, "logStreamName": st, "logEvents": byStream[st]})
		if err != nil {
			return err
		}
		if _, err := s.registry.CallJSON(ctx, caller, "logs", "PutLogEvents", in); err != nil {
			return fmt.Errorf("sfn: deliver logs: %w", err)
		}
	}
	return nil
}

type logGroupARN struct{ account, region, name string }

// parseLogGroupARN reads arn:<partition>:logs:<region>:<account>:log-group:<name>[:*].
func parseLogGroupARN(arn string) (logGroupARN, bool) {
	p := strings.SplitN(arn, ":", 7)
	if len(p) != 7 || p[2] != "logs" || !strings.HasPrefix(p[5], "log-group") {
		return logGroupARN{}, false
	}
	name := strings.TrimSuffix(p[6], ":*")
	if p[5] != "log-group" { // "log-group:name" split at the sixth colon
		return logGroupARN{}, false
	}
	return logGroupARN{account: p[4], region: p[3], name: name}, true
}
