package sfn

import (
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
)

// Spec is Step Functions as botocore's model describes it (awsJson1_0,
// X-Amz-Target AWSStepFunctions.<Operation>, signing name "states").
func Spec() dispatch.Spec {
	return dispatch.Spec{
		Name:           ServiceName,
		SigningName:    "states",
		Protocols:      []string{dispatch.JSON},
		TargetPrefix:   "AWSStepFunctions",
		JSONVersion:    "1.0",
		APIVersion:     "2016-11-23",
		ValidationCode: "ValidationException",
	}
}

// ServiceName is the registry's name for Step Functions.
const ServiceName = "states"

// Register adds the Step Functions operations to r.
func (s *Service) Register(r *dispatch.Registry) {
	r.AddService(Spec(),
		dispatch.Handle("CreateStateMachine", s.CreateStateMachine),
		dispatch.Handle("DescribeStateMachine", s.DescribeStateMachine),
		dispatch.Handle("ListStateMachines", s.ListStateMachines),
		dispatch.Handle("UpdateStateMachine", s.UpdateStateMachine),
		dispatch.Handle("DeleteStateMachine", s.DeleteStateMachine),
		dispatch.Handle("ValidateStateMachineDefinition", s.ValidateStateMachineDefinition),
		dispatch.Handle("StartExecution", s.StartExecution),
		dispatch.Handle("DescribeExecution", s.DescribeExecution),
		dispatch.Handle("ListExecutions", s.ListExecutions),
		dispatch.Handle("GetExecutionHistory", s.GetExecutionHistory),
		dispatch.Handle("StopExecution", s.StopExecution),
		dispatch.Handle("RedriveExecution", s.RedriveExecution), // redrive.go
		dispatch.Handle("DescribeStateMachineForExecution", s.DescribeStateMachineForExecution),
		dispatch.Handle("DescribeMapRun", s.DescribeMapRun), // maprun.go
		dispatch.Handle("ListMapRuns", s.ListMapRuns),
		dispatch.Handle("UpdateMapRun", s.UpdateMapRun),
		dispatch.Handle("TagResource", s.TagResource),
		dispatch.Handle("UntagResource", s.UntagResource),
		dispatch.Handle("ListTagsForResource", s.ListTagsForResource),
		// versions.go, aliases.go
		dispatch.Handle("PublishStateMachineVersion", s.PublishStateMachineVersion),
		dispatch.Handle("ListStateMachineVersions", s.ListStateMachineVersions),
		dispatch.Handle("DeleteStateMachineVersion", s.DeleteStateMachineVersion),
		dispatch.Handle("CreateStateMachineAlias", s.CreateStateMachineAlias),
		dispatch.Handle("DescribeStateMachineAlias", s.DescribeStateMachineAlias),
		dispatch.Handle("UpdateStateMachineAlias", s.UpdateStateMachineAlias),
		dispatch.Handle("DeleteStateMachineAlias", s.DeleteStateMachineAlias),
		dispatch.Handle("ListStateMachineAliases", s.ListStateMachineAliases),
		// expressapi.go
		dispatch.Handle("StartSyncExecution", s.StartSyncExecution),
		// teststate.go
		dispatch.Handle("TestState", s.TestState),
		// activities.go, tokens.go
		dispatch.Handle("CreateActivity", s.CreateActivity),
		dispatch.Handle("DescribeActivity", s.DescribeActivity),
		dispatch.Handle("DeleteActivity", s.DeleteActivity),
		dispatch.Handle("ListActivities", s.ListActivities),
		dispatch.Handle("GetActivityTask", s.GetActivityTask),
		dispatch.Handle("SendTaskSuccess", s.SendTaskSuccess),
		dispatch.Handle("SendTaskFailure", s.SendTaskFailure),
		dispatch.Handle("SendTaskHeartbeat", s.SendTaskHeartbeat),
	)
}

// Values of the model's enums.
const (
	TypeStandard = "STANDARD"
	TypeExpress  = "EXPRESS"
	StatusActive = "ACTIVE"
)

// Wire shapes. Member names, types and constraints are botocore's
// (stepfunctions service-2.json, 2016-11-23).

// Tag is a key-value pair on a state machine.
type Tag struct {
	Key   string `json:"key,omitempty" aws:"min=1,max=128"`
	Value string `json:"value,omitempty" aws:"max=256"`
}

// CloudWatchLogsLogGroup names a log group destination.
type CloudWatchLogsLogGroup struct {
	LogGroupArn string `json:"logGroupArn,omitempty" aws:"min=1,max=256"`
}

// LogDestination is one logging destination.
type LogDestination struct {
	CloudWatchLogsLogGroup *CloudWatchLogsLogGroup `json:"cloudWatchLogsLogGroup,omitempty"`
}

// LoggingConfiguration is a state machine's logging.
type LoggingConfiguration struct {
	Level                string           `json:"level,omitempty" aws:"enum=ALL|ERROR|FATAL|OFF"`
	IncludeExecutionData bool             `json:"includeExecutionData"`
	Destinations         []LogDestination `json:"destinations,omitempty"`
}

// TracingConfiguration is a state machine's X-Ray setting.
type TracingConfiguration struct {
	Enabled bool `json:"enabled"`
}

// EncryptionConfiguration is a state machine's data encryption setting.
type EncryptionConfiguration struct {
	KmsKeyID                     string `json:"kmsKeyId,omitempty" aws:"min=1,max=2048"`
	KmsDataKeyReusePeriodSeconds *int32 `json:"kmsDataKeyReusePeriodSeconds,omitempty" aws:"min=60,max=900"`
	Type                         string `json:"type" aws:"required,enum=AWS_OWNED_KEY|CUSTOMER_MANAGED_KMS_KEY"`
}

type CreateStateMachineInput struct {
	Name                    string                   `json:"name" aws:"required,min=1,max=80"`
	Definition              string                   `json:"definition" aws:"required,min=1,max=1048576"`
	RoleArn                 string                   `json:"roleArn" aws:"required,min=1,max=256"`
	Type                    string                   `json:"type,omitempty" aws:"enum=STANDARD|EXPRESS"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration,omitempty"`
	Tags                    []Tag                    `json:"tags,omitempty"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration,omitempty"`
	Publish                 bool                     `json:"publish,omitempty"`
	VersionDescription      string                   `json:"versionDescription,omitempty" aws:"max=256"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

type CreateStateMachineOutput struct {
	StateMachineArn        string    `json:"stateMachineArn"`
	CreationDate           time.Time `json:"creationDate"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn,omitempty"`
}

type DescribeStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn" aws:"required,min=1,max=256"`
	IncludedData    string `json:"includedData,omitempty" aws:"enum=ALL_DATA|METADATA_ONLY"`
}

type DescribeStateMachineOutput struct {
	StateMachineArn         string                   `json:"stateMachineArn"`
	Name                    string                   `json:"name"`
	Status                  string                   `json:"status,omitempty"`
	Definition              string                   `json:"definition"`
	RoleArn                 string                   `json:"roleArn"`
	Type                    string                   `json:"type"`
	CreationDate            time.Time                `json:"creationDate"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration,omitempty"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration,omitempty"`
	RevisionID              string                   `json:"revisionId,omitempty"`
	Description             string                   `json:"description,omitempty"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

type ListStateMachinesInput struct {
	MaxResults int32  `json:"maxResults,omitempty" aws:"min=0,max=1000"`
	NextToken  string `json:"nextToken,omitempty" aws:"min=1,max=1024"`
}

// StateMachineListItem is one state machine in ListStateMachines.
type StateMachineListItem struct {
	StateMachineArn string    `json:"stateMachineArn"`
	Name            string    `json:"name"`
	Type            string    `json:"type"`
	CreationDate    time.Time `json:"creationDate"`
}

type ListStateMachinesOutput struct {
	StateMachines []StateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

type UpdateStateMachineInput struct {
	StateMachineArn         string                   `json:"stateMachineArn" aws:"required,min=1,max=256"`
	Definition              string                   `json:"definition,omitempty" aws:"min=1,max=1048576"`
	RoleArn                 string                   `json:"roleArn,omitempty" aws:"min=1,max=256"`
	LoggingConfiguration    *LoggingConfiguration    `json:"loggingConfiguration,omitempty"`
	TracingConfiguration    *TracingConfiguration    `json:"tracingConfiguration,omitempty"`
	Publish                 bool                     `json:"publish,omitempty"`
	VersionDescription      string                   `json:"versionDescription,omitempty" aws:"max=256"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

type UpdateStateMachineOutput struct {
	UpdateDate             time.Time `json:"updateDate"`
	RevisionID             string    `json:"revisionId,omitempty"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn,omitempty"`
}

type DeleteStateMachineInput struct {
	StateMachineArn string `json:"stateMachineArn" aws:"required,min=1,max=256"`
}

type DeleteStateMachineOutput struct{}

type ValidateStateMachineDefinitionInput struct {
	Definition string `json:"definition" aws:"required,min=1,max=1048576"`
	Type       string `json:"type,omitempty" aws:"enum=STANDARD|EXPRESS"`
	Severity   string `json:"severity,omitempty" aws:"enum=ERROR|WARNING"`
	MaxResults int32  `json:"maxResults,omitempty" aws:"min=0,max=100"`
}

// ValidateStateMachineDefinitionDiagnostic is one finding.
type ValidateStateMachineDefinitionDiagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

type ValidateStateMachineDefinitionOutput struct {
	Result      string                                     `json:"result"`
	Diagnostics []ValidateStateMachineDefinitionDiagnostic `json:"diagnostics"`
	Truncated   bool                                       `json:"truncated"`
}

type StartExecutionInput struct {
	StateMachineArn string  `json:"stateMachineArn" aws:"required,min=1,max=256"`
	Name            string  `json:"name,omitempty" aws:"min=1,max=80"`
	Input           *string `json:"input,omitempty" aws:"max=262144"`
	TraceHeader     string  `json:"traceHeader,omitempty" aws:"max=256"`
}

type StartExecutionOutput struct {
	ExecutionArn string    `json:"executionArn"`
	StartDate    time.Time `json:"startDate"`
}

type DescribeExecutionInput struct {
	ExecutionArn string `json:"executionArn" aws:"required,min=1,max=256"`
	IncludedData string `json:"includedData,omitempty" aws:"enum=ALL_DATA|METADATA_ONLY"`
}

// CloudWatchEventsExecutionDataDetails says whether data was included.
type CloudWatchEventsExecutionDataDetails struct {
	Included bool `json:"included"`
}

type DescribeExecutionOutput struct {
	ExecutionArn           string                                `json:"executionArn"`
	StateMachineArn        string                                `json:"stateMachineArn"`
	Name                   string                                `json:"name,omitempty"`
	Status                 string                                `json:"status"`
	StartDate              time.Time                             `json:"startDate"`
	StopDate               *time.Time                            `json:"stopDate,omitempty"`
	Input                  *string                               `json:"input,omitempty"`
	InputDetails           *CloudWatchEventsExecutionDataDetails `json:"inputDetails,omitempty"`
	Output                 *string                               `json:"output,omitempty"`
	OutputDetails          *CloudWatchEventsExecutionDataDetails `json:"outputDetails,omitempty"`
	TraceHeader            string                                `json:"traceHeader,omitempty"`
	Error                  string                                `json:"error,omitempty"`
	Cause                  string                                `json:"cause,omitempty"`
	StateMachineVersionArn string                                `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string                                `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           *int32                                `json:"redriveCount,omitempty"`
	RedriveDate            *time.Time                            `json:"redriveDate,omitempty"`
	RedriveStatus          string                                `json:"redriveStatus,omitempty"`
	RedriveStatusReason    string                                `json:"redriveStatusReason,omitempty"`
	MapRunArn              string                                `json:"mapRunArn,omitempty"`
}

type ListExecutionsInput struct {
	StateMachineArn string `json:"stateMachineArn,omitempty" aws:"min=1,max=256"`
	StatusFilter    string `json:"statusFilter,omitempty" aws:"enum=RUNNING|SUCCEEDED|FAILED|TIMED_OUT|ABORTED|PENDING_REDRIVE"`
	MaxResults      int32  `json:"maxResults,omitempty" aws:"min=0,max=1000"`
	NextToken       string `json:"nextToken,omitempty" aws:"min=1,max=3096"`
	MapRunArn       string `json:"mapRunArn,omitempty" aws:"min=1,max=2000"`
	RedriveFilter   string `json:"redriveFilter,omitempty" aws:"enum=REDRIVEN|NOT_REDRIVEN"`
}

// ExecutionListItem is one execution in ListExecutions.
type ExecutionListItem struct {
	ExecutionArn           string     `json:"executionArn"`
	StateMachineArn        string     `json:"stateMachineArn"`
	Name                   string     `json:"name"`
	Status                 string     `json:"status"`
	StartDate              time.Time  `json:"startDate"`
	StopDate               *time.Time `json:"stopDate,omitempty"`
	StateMachineVersionArn string     `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string     `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           *int32     `json:"redriveCount,omitempty"`
	RedriveDate            *time.Time `json:"redriveDate,omitempty"`
	MapRunArn              string     `json:"mapRunArn,omitempty"`
}

type ListExecutionsOutput struct {
	Executions []ExecutionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

type GetExecutionHistoryInput struct {
	ExecutionArn         string `json:"executionArn" aws:"required,min=1,max=256"`
	MaxResults           int32  `json:"maxResults,omitempty" aws:"min=0,max=1000"`
	ReverseOrder         bool   `json:"reverseOrder,omitempty"`
	NextToken            string `json:"nextToken,omitempty" aws:"min=1,max=1024"`
	IncludeExecutionData *bool  `json:"includeExecutionData,omitempty"`
}

// HistoryEvent is the model's HistoryEvent, as the engine stores it.
type HistoryEvent = engine.HistoryEvent

type GetExecutionHistoryOutput struct {
	Events    []HistoryEvent `json:"events"`
	NextToken string         `json:"nextToken,omitempty"`
}

type StopExecutionInput struct {
	ExecutionArn string `json:"executionArn" aws:"required,min=1,max=256"`
	Error        string `json:"error,omitempty" aws:"max=256"`
	Cause        string `json:"cause,omitempty" aws:"max=32768"`
}

type RedriveExecutionInput struct {
	ExecutionArn string `json:"executionArn" aws:"required,min=1,max=256"`
	ClientToken  string `json:"clientToken,omitempty" aws:"min=1,max=64"`
}

type RedriveExecutionOutput struct {
	RedriveDate time.Time `json:"redriveDate"`
}

type StopExecutionOutput struct {
	StopDate time.Time `json:"stopDate"`
}

type DescribeStateMachineForExecutionInput struct {
	ExecutionArn string `json:"executionArn" aws:"required,min=1,max=256"`
	IncludedData string `json:"includedData,omitempty" aws:"enum=ALL_DATA|METADATA_ONLY"`
}

type DescribeStateMachineForExecutionOutput struct {
	StateMachineArn      string                `json:"stateMachineArn"`
	Name                 string                `json:"name"`
	Definition           string                `json:"definition"`
	RoleArn              string                `json:"roleArn"`
	UpdateDate           time.Time             `json:"updateDate"`
	LoggingConfiguration *LoggingConfiguration `json:"loggingConfiguration,omitempty"`
	TracingConfiguration *TracingConfiguration `json:"tracingConfiguration,omitempty"`
	RevisionID           string                `json:"revisionId,omitempty"`
	MapRunArn            string                `json:"mapRunArn,omitempty"`
	Label                string                `json:"label,omitempty"`
}

type TagResourceInput struct {
	ResourceArn string `json:"resourceArn" aws:"required,min=1,max=256"`
	Tags        []Tag  `json:"tags" aws:"required"`
}

type TagResourceOutput struct{}

type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn" aws:"required,min=1,max=256"`
	TagKeys     []string `json:"tagKeys" aws:"required"`
}

type UntagResourceOutput struct{}

type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn" aws:"required,min=1,max=256"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"tags"`
}
