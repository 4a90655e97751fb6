package engine

import "time"

// History event types the engine writes (HistoryEventType in the model).
const (
	EventExecutionStarted   = "ExecutionStarted"
	EventExecutionSucceeded = "ExecutionSucceeded"
	EventExecutionFailed    = "ExecutionFailed"
	EventExecutionAborted   = "ExecutionAborted"
	EventExecutionTimedOut  = "ExecutionTimedOut"
	EventExecutionRedriven  = "ExecutionRedriven"
	EventTaskScheduled      = "TaskScheduled"
	EventTaskStarted        = "TaskStarted"
	EventTaskSucceeded      = "TaskSucceeded"
	EventTaskFailed         = "TaskFailed"
	EventFailStateEntered   = "FailStateEntered"
	EventTaskSubmitted      = "TaskSubmitted"
	EventTaskTimedOut       = "TaskTimedOut"
	EventTaskStartFailed    = "TaskStartFailed"
	EventTaskSubmitFailed   = "TaskSubmitFailed"

	EventActivityScheduled = "ActivityScheduled"
	EventActivityStarted   = "ActivityStarted"
	EventActivitySucceeded = "ActivitySucceeded"
	EventActivityFailed    = "ActivityFailed"
	EventActivityTimedOut  = "ActivityTimedOut"

	EventParallelStateStarted   = "ParallelStateStarted"
	EventParallelStateSucceeded = "ParallelStateSucceeded"
	EventParallelStateFailed    = "ParallelStateFailed"
	EventParallelStateAborted   = "ParallelStateAborted"
	EventMapStateStarted        = "MapStateStarted"
	EventMapStateSucceeded      = "MapStateSucceeded"
	EventMapStateFailed         = "MapStateFailed"
	EventMapStateAborted        = "MapStateAborted"
	EventMapIterationStarted    = "MapIterationStarted"
	EventMapIterationSucceeded  = "MapIterationSucceeded"
	EventMapIterationFailed     = "MapIterationFailed"
	EventMapIterationAborted    = "MapIterationAborted"
	EventTaskStateAborted       = "TaskStateAborted"
	EventWaitStateAborted       = "WaitStateAborted"

	// A Task whose Resource is a Lambda function ARN writes these instead
	// of the Task* events.
	EventLambdaFunctionScheduled = "LambdaFunctionScheduled"
	EventLambdaFunctionStarted   = "LambdaFunctionStarted"
	EventLambdaFunctionSucceeded = "LambdaFunctionSucceeded"
	EventLambdaFunctionFailed    = "LambdaFunctionFailed"
	EventLambdaFunctionTimedOut  = "LambdaFunctionTimedOut"

	EventMapRunStarted   = "MapRunStarted"
	EventMapRunSucceeded = "MapRunSucceeded"
	EventMapRunFailed    = "MapRunFailed"
	EventMapRunAborted   = "MapRunAborted"
	EventMapRunRedriven  = "MapRunRedriven"
)

// HistoryEvent is one event of an execution's history, exactly the
// HistoryEvent shape GetExecutionHistory returns: member names are the
// model's, details are set only for the event types that carry them. The
// engine stores events in this form, so the API serves them as stored.
type HistoryEvent struct {
	Timestamp       time.Time `json:"timestamp"`
	Type            string    `json:"type"`
	ID              int64     `json:"id"`
	PreviousEventID int64     `json:"previousEventId"`

	ExecutionStartedEventDetails   *ExecutionStartedEventDetails   `json:"executionStartedEventDetails,omitempty"`
	ExecutionSucceededEventDetails *ExecutionSucceededEventDetails `json:"executionSucceededEventDetails,omitempty"`
	ExecutionFailedEventDetails    *ErrorDetails                   `json:"executionFailedEventDetails,omitempty"`
	ExecutionAbortedEventDetails   *ErrorDetails                   `json:"executionAbortedEventDetails,omitempty"`
	ExecutionTimedOutEventDetails  *ErrorDetails                   `json:"executionTimedOutEventDetails,omitempty"`
	ExecutionRedrivenEventDetails  *ExecutionRedrivenEventDetails  `json:"executionRedrivenEventDetails,omitempty"`
	StateEnteredEventDetails       *StateEnteredEventDetails       `json:"stateEnteredEventDetails,omitempty"`
	StateExitedEventDetails        *StateExitedEventDetails        `json:"stateExitedEventDetails,omitempty"`
	TaskScheduledEventDetails      *TaskScheduledEventDetails      `json:"taskScheduledEventDetails,omitempty"`
	TaskStartedEventDetails        *TaskStartedEventDetails        `json:"taskStartedEventDetails,omitempty"`
	TaskSucceededEventDetails      *TaskSucceededEventDetails      `json:"taskSucceededEventDetails,omitempty"`
	TaskFailedEventDetails         *TaskFailedEventDetails         `json:"taskFailedEventDetails,omitempty"`
	TaskSubmittedEventDetails      *TaskSucceededEventDetails      `json:"taskSubmittedEventDetails,omitempty"`
	TaskTimedOutEventDetails       *TaskFailedEventDetails         `json:"taskTimedOutEventDetails,omitempty"`
	TaskStartFailedEventDetails    *TaskFailedEventDetails         `json:"taskStartFailedEventDetails,omitempty"`
	TaskSubmitFailedEventDetails   *TaskFailedEventDetails         `json:"taskSubmitFailedEventDetails,omitempty"`

	ActivityScheduledEventDetails *ActivityScheduledEventDetails  `json:"activityScheduledEventDetails,omitempty"`
	ActivityStartedEventDetails   *ActivityStartedEventDetails    `json:"activityStartedEventDetails,omitempty"`
	ActivitySucceededEventDetails *ExecutionSucceededEventDetails `json:"activitySucceededEventDetails,omitempty"`
	ActivityFailedEventDetails    *ErrorDetails                   `json:"activityFailedEventDetails,omitempty"`
	ActivityTimedOutEventDetails  *ErrorDetails                   `json:"activityTimedOutEventDetails,omitempty"`

	LambdaFunctionScheduledEventDetails *LambdaFunctionScheduledEventDetails `json:"lambdaFunctionScheduledEventDetails,omitempty"`
	LambdaFunctionSucceededEventDetails *ExecutionSucceededEventDetails      `json:"lambdaFunctionSucceededEventDetails,omitempty"`
	LambdaFunctionFailedEventDetails    *ErrorDetails                        `json:"lambdaFunctionFailedEventDetails,omitempty"`
	LambdaFunctionTimedOutEventDetails  *ErrorDetails                        `json:"lambdaFunctionTimedOutEventDetails,omitempty"`

	MapRunStartedEventDetails  *MapRunStartedEventDetails  `json:"mapRunStartedEventDetails,omitempty"`
	MapRunFailedEventDetails   *ErrorDetails               `json:"mapRunFailedEventDetails,omitempty"`
	MapRunRedrivenEventDetails *MapRunRedrivenEventDetails `json:"mapRunRedrivenEventDetails,omitempty"`

	MapStateStartedEventDetails       *MapStateStartedEventDetails `json:"mapStateStartedEventDetails,omitempty"`
	MapIterationStartedEventDetails   *MapIterationEventDetails    `json:"mapIterationStartedEventDetails,omitempty"`
	MapIterationSucceededEventDetails *MapIterationEventDetails    `json:"mapIterationSucceededEventDetails,omitempty"`
	MapIterationFailedEventDetails    *MapIterationEventDetails    `json:"mapIterationFailedEventDetails,omitempty"`
	MapIterationAbortedEventDetails   *MapIterationEventDetails    `json:"mapIterationAbortedEventDetails,omitempty"`
}

// ActivityScheduledEventDetails is the model's shape of the same name.
type ActivityScheduledEventDetails struct {
	Resource           string       `json:"resource"`
	Input              string       `json:"input,omitempty"`
	InputDetails       *DataDetails `json:"inputDetails,omitempty"`
	TimeoutInSeconds   int64        `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds int64        `json:"heartbeatInSeconds,omitempty"`
}

// LambdaFunctionScheduledEventDetails is the model's shape of the same
// name.
type LambdaFunctionScheduledEventDetails struct {
	Resource         string       `json:"resource"`
	Input            string       `json:"input,omitempty"`
	InputDetails     *DataDetails `json:"inputDetails,omitempty"`
	TimeoutInSeconds int64        `json:"timeoutInSeconds,omitempty"`
}

// ActivityStartedEventDetails is the model's shape of the same name.
type ActivityStartedEventDetails struct {
	WorkerName string `json:"workerName,omitempty"`
}

// MapStateStartedEventDetails is the model's shape of the same name.
type MapStateStartedEventDetails struct {
	Length int `json:"length"`
}

// MapRunStartedEventDetails is the model's shape of the same name.
type MapRunStartedEventDetails struct {
	MapRunArn string `json:"mapRunArn"`
}

// MapRunRedrivenEventDetails is the model's shape of the same name.
type MapRunRedrivenEventDetails struct {
	MapRunArn    string `json:"mapRunArn"`
	RedriveCount int    `json:"redriveCount"`
}

// MapIterationEventDetails is the model's shape of the same name: the Map
// state's name and the iteration's index.
type MapIterationEventDetails struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}

// DataDetails is HistoryEventExecutionDataDetails: whether the data next to
// it was cut at the 256 KiB limit.
type DataDetails struct {
	Truncated bool `json:"truncated"`
}

// ExecutionStartedEventDetails is the model's shape of the same name.
type ExecutionStartedEventDetails struct {
	Input                  string       `json:"input,omitempty"`
	InputDetails           *DataDetails `json:"inputDetails,omitempty"`
	RoleArn                string       `json:"roleArn,omitempty"`
	StateMachineAliasArn   string       `json:"stateMachineAliasArn,omitempty"`
	StateMachineVersionArn string       `json:"stateMachineVersionArn,omitempty"`
}

// ExecutionSucceededEventDetails is the model's shape of the same name.
type ExecutionSucceededEventDetails struct {
	Output        string       `json:"output,omitempty"`
	OutputDetails *DataDetails `json:"outputDetails,omitempty"`
}

// ExecutionRedrivenEventDetails is the model's shape of the same name.
type ExecutionRedrivenEventDetails struct {
	RedriveCount int `json:"redriveCount"`
}

// ErrorDetails is the error/cause pair of ExecutionFailed, ExecutionAborted
// and ExecutionTimedOut event details (three shapes with the same members).
type ErrorDetails struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// StateEnteredEventDetails is the model's shape of the same name.
type StateEnteredEventDetails struct {
	Name         string       `json:"name"`
	Input        string       `json:"input,omitempty"`
	InputDetails *DataDetails `json:"inputDetails,omitempty"`
}

// StateExitedEventDetails is the model's shape of the same name.
type StateExitedEventDetails struct {
	Name                     string            `json:"name"`
	Output                   string            `json:"output,omitempty"`
	OutputDetails            *DataDetails      `json:"outputDetails,omitempty"`
	AssignedVariables        map[string]string `json:"assignedVariables,omitempty"`
	AssignedVariablesDetails *DataDetails      `json:"assignedVariablesDetails,omitempty"`
}

// TaskScheduledEventDetails is the model's shape of the same name.
type TaskScheduledEventDetails struct {
	ResourceType       string `json:"resourceType"`
	Resource           string `json:"resource"`
	Region             string `json:"region"`
	Parameters         string `json:"parameters"`
	TimeoutInSeconds   int64  `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds int64  `json:"heartbeatInSeconds,omitempty"`
}

// TaskStartedEventDetails is the model's shape of the same name.
type TaskStartedEventDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

// TaskSucceededEventDetails is the model's shape of the same name.
type TaskSucceededEventDetails struct {
	ResourceType  string       `json:"resourceType"`
	Resource      string       `json:"resource"`
	Output        string       `json:"output,omitempty"`
	OutputDetails *DataDetails `json:"outputDetails,omitempty"`
}

// TaskFailedEventDetails is the model's shape of the same name.
type TaskFailedEventDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
}

// WithoutData returns the event as GetExecutionHistory with
// includeExecutionData=false shows it: inputs, outputs, parameters and
// assigned variables left out.
func (e HistoryEvent) WithoutData() HistoryEvent {
	if d := e.ExecutionStartedEventDetails; d != nil {
		c := *d
		c.Input, c.InputDetails = "", nil
		e.ExecutionStartedEventDetails = &c
	}
	if d := e.ExecutionSucceededEventDetails; d != nil {
		c := *d
		c.Output, c.OutputDetails = "", nil
		e.ExecutionSucceededEventDetails = &c
	}
	if d := e.StateEnteredEventDetails; d != nil {
		c := *d
		c.Input, c.InputDetails = "", nil
		e.StateEnteredEventDetails = &c
	}
	if d := e.StateExitedEventDetails; d != nil {
		c := *d
		c.Output, c.OutputDetails, c.AssignedVariables, c.AssignedVariablesDetails = "", nil, nil, nil
		e.StateExitedEventDetails = &c
	}
	if d := e.TaskScheduledEventDetails; d != nil {
		c := *d
		c.Parameters = ""
		e.TaskScheduledEventDetails = &c
	}
	if d := e.TaskSucceededEventDetails; d != nil {
		c := *d
		c.Output, c.OutputDetails = "", nil
		e.TaskSucceededEventDetails = &c
	}
	if d := e.TaskSubmittedEventDetails; d != nil {
		c := *d
		c.Output, c.OutputDetails = "", nil
		e.TaskSubmittedEventDetails = &c
	}
	if d := e.ActivityScheduledEventDetails; d != nil {
		c := *d
		c.Input, c.InputDetails = "", nil
		e.ActivityScheduledEventDetails = &c
	}
	if d := e.ActivitySucceededEventDetails; d != nil {
		c := *d
		c.Output, c.OutputDetails = "", nil
		e.ActivitySucceededEventDetails = &c
	}
	if d := e.LambdaFunctionScheduledEventDetails; d != nil {
		c := *d
		c.Input, c.InputDetails = "", nil
		e.LambdaFunctionScheduledEventDetails = &c
	}
	if d := e.LambdaFunctionSucceededEventDetails; d != nil {
		c := *d
		c.Output, c.OutputDetails = "", nil
		e.LambdaFunctionSucceededEventDetails = &c
	}
	return e
}
