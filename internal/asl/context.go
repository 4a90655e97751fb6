package asl

import (
	"time"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// Context is the context object a state sees as $$ (JSONPath) or
// $states.context (JSONata). The engine fills it; this package never invents
// any of it. Times are rendered as AWS renders them: RFC 3339 in UTC with
// millisecond precision ("2019-03-26T20:14:13.192Z").
type Context struct {
	Execution    ExecutionContext
	State        StateContext
	StateMachine StateMachineContext
	Task         *TaskContext // only while a Task state uses a .waitForTaskToken resource
	Map          *MapContext  // only inside a Map state's ItemSelector
}

// ExecutionContext is $$.Execution.
type ExecutionContext struct {
	ID           string // the execution ARN ($$.Execution.Id)
	Input        any
	Name         string
	RoleArn      string
	StartTime    time.Time
	RedriveCount int
	RedriveTime  time.Time // zero when the execution was never redriven
}

// StateContext is $$.State.
type StateContext struct {
	Name        string
	EnteredTime time.Time
	RetryCount  int
}

// StateMachineContext is $$.StateMachine.
type StateMachineContext struct {
	ID   string // the state machine ARN ($$.StateMachine.Id)
	Name string
}

// TaskContext is $$.Task.
type TaskContext struct {
	Token string
}

// MapContext is $$.Map: the item an iteration processes. Key is set only
// when the Map iterates over a JSON object's members (JSONata Items given an
// object), Value is the item itself.
type MapContext struct {
	Index int
	Value any
	Key   *string
	// Source says where the item came from: "STATE_DATA" for items taken
	// from the state input ("" is rendered as that), or the ItemReader's
	// source for a Distributed Map.
	Source string
}

// timestamp renders a time the way the context object carries it.
// A whole second prints without a fraction, as Java's Instant.toString does.
func timestamp(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// Value returns the context object as a JSON value.
func (c *Context) Value() map[string]any {
	if c == nil {
		return map[string]any{}
	}
	exec := map[string]any{
		"Id":           c.Execution.ID,
		"Input":        c.Execution.Input,
		"Name":         c.Execution.Name,
		"RoleArn":      c.Execution.RoleArn,
		"StartTime":    timestamp(c.Execution.StartTime),
		"RedriveCount": value.Int(int64(c.Execution.RedriveCount)),
	}
	if !c.Execution.RedriveTime.IsZero() {
		exec["RedriveTime"] = timestamp(c.Execution.RedriveTime)
	}
	v := map[string]any{
		"Execution": exec,
		"State": map[string]any{
			"Name":        c.State.Name,
			"EnteredTime": timestamp(c.State.EnteredTime),
			"RetryCount":  value.Int(int64(c.State.RetryCount)),
		},
		"StateMachine": map[string]any{
			"Id":   c.StateMachine.ID,
			"Name": c.StateMachine.Name,
		},
	}
	if c.Task != nil {
		v["Task"] = map[string]any{"Token": c.Task.Token}
	}
	if c.Map != nil {
		src := c.Map.Source
		if src == "" {
			src = "STATE_DATA"
		}
		item := map[string]any{"Index": value.Int(int64(c.Map.Index)), "Value": c.Map.Value, "Source": src}
		if c.Map.Key != nil {
			item["Key"] = *c.Map.Key
		}
		v["Map"] = map[string]any{"Item": item}
	}
	return v
}
