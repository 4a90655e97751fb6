package events

import (
	"encoding/json"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/metrics"
)

// ServiceName is the registry's name for EventBridge.
const ServiceName = "events"

// Spec is EventBridge as botocore's model describes it (awsJson1_1,
// X-Amz-Target AWSEvents.<Operation>, signing name "events").
func Spec() dispatch.Spec {
	return dispatch.Spec{
		Name:           ServiceName,
		SigningName:    "events",
		Protocols:      []string{dispatch.JSON},
		TargetPrefix:   "AWSEvents",
		JSONVersion:    "1.1",
		APIVersion:     "2015-10-07",
		ValidationCode: "ValidationException",
	}
}

// Register adds the EventBridge operations to r.
func (s *Service) Register(r *dispatch.Registry) {
	s.registry = r
	s.metricsOut = metrics.NewDeliverer(eventsMetrics, metrics.Config{Store: s.st, Clock: s.clk, Registry: r, Logger: s.log,
		Owner: "events", Principal: "events.amazonaws.com"})
	r.AddService(Spec(),
		dispatch.Handle("CreateEventBus", s.CreateEventBus),
		dispatch.Handle("DescribeEventBus", s.DescribeEventBus),
		dispatch.Handle("ListEventBuses", s.ListEventBuses),
		dispatch.Handle("DeleteEventBus", s.DeleteEventBus),
		dispatch.Handle("UpdateEventBus", s.UpdateEventBus),
		dispatch.Handle("PutPermission", s.PutPermission),
		dispatch.Handle("RemovePermission", s.RemovePermission),
		dispatch.Handle("PutRule", s.PutRule),
		dispatch.Handle("DescribeRule", s.DescribeRule),
		dispatch.Handle("ListRules", s.ListRules),
		dispatch.Handle("DeleteRule", s.DeleteRule),
		dispatch.Handle("EnableRule", s.EnableRule),
		dispatch.Handle("DisableRule", s.DisableRule),
		dispatch.Handle("PutTargets", s.PutTargets),
		dispatch.Handle("RemoveTargets", s.RemoveTargets),
		dispatch.Handle("ListTargetsByRule", s.ListTargetsByRule),
		dispatch.Handle("ListRuleNamesByTarget", s.ListRuleNamesByTarget),
		dispatch.Handle("PutEvents", s.PutEvents),
		dispatch.Handle("TestEventPattern", s.TestEventPattern),
		dispatch.Handle("CreateArchive", s.CreateArchive),
		dispatch.Handle("DescribeArchive", s.DescribeArchive),
		dispatch.Handle("ListArchives", s.ListArchives),
		dispatch.Handle("UpdateArchive", s.UpdateArchive),
		dispatch.Handle("DeleteArchive", s.DeleteArchive),
		dispatch.Handle("StartReplay", s.StartReplay),
		dispatch.Handle("DescribeReplay", s.DescribeReplay),
		dispatch.Handle("ListReplays", s.ListReplays),
		dispatch.Handle("CancelReplay", s.CancelReplay),
		dispatch.Handle("CreateConnection", s.CreateConnection),
		dispatch.Handle("DescribeConnection", s.DescribeConnection),
		dispatch.Handle("ListConnections", s.ListConnections),
		dispatch.Handle("UpdateConnection", s.UpdateConnection),
		dispatch.Handle("DeleteConnection", s.DeleteConnection),
		dispatch.Handle("DeauthorizeConnection", s.DeauthorizeConnection),
		dispatch.Handle("CreateApiDestination", s.CreateApiDestination),
		dispatch.Handle("DescribeApiDestination", s.DescribeApiDestination),
		dispatch.Handle("ListApiDestinations", s.ListApiDestinations),
		dispatch.Handle("UpdateApiDestination", s.UpdateApiDestination),
		dispatch.Handle("DeleteApiDestination", s.DeleteApiDestination),
		dispatch.Handle("TagResource", s.TagResource),
		dispatch.Handle("UntagResource", s.UntagResource),
		dispatch.Handle("ListTagsForResource", s.ListTagsForResource),
	)
}

// Values of the model's enums.
const (
	StateEnabled           = "ENABLED"
	StateDisabled          = "DISABLED"
	StateEnabledCloudTrail = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"

	DefaultBus = "default"
)

// Wire shapes. Member names, types and constraints are botocore's
// (events service-2.json, 2015-10-07). Patterns the aws tag cannot carry
// (RuleName, EventBusName) are checked in service.go.

// Tag is a key-value pair on a rule or an event bus.
type Tag struct {
	Key string `json:"Key" aws:"required,min=1,max=128"`
	// Value is required by the model but may be empty; the registry treats
	// an empty required string as missing, so the constraint is left off.
	Value string `json:"Value" aws:"max=256"`
}

type DeadLetterConfig struct {
	Arn string `json:"Arn,omitempty" aws:"min=1,max=1600"`
}

type RetryPolicy struct {
	MaximumRetryAttempts     *int32 `json:"MaximumRetryAttempts,omitempty" aws:"min=0,max=185"`
	MaximumEventAgeInSeconds *int32 `json:"MaximumEventAgeInSeconds,omitempty" aws:"min=60,max=86400"`
}

type InputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty" aws:"max=100"`
	InputTemplate string            `json:"InputTemplate" aws:"required,min=1,max=8192"`
}

type SqsParameters struct {
	MessageGroupId string `json:"MessageGroupId,omitempty" aws:"max=100"`
}

type HttpParameters struct {
	PathParameterValues   []string          `json:"PathParameterValues,omitempty"`
	HeaderParameters      map[string]string `json:"HeaderParameters,omitempty"`
	QueryStringParameters map[string]string `json:"QueryStringParameters,omitempty"`
}

type KinesisParameters struct {
	PartitionKeyPath string `json:"PartitionKeyPath" aws:"required,max=256"`
}

// Target is one target of a rule. Parameters of target types shoal cannot
// deliver to (ECS, Batch, Run Command, Redshift, SageMaker, AppSync) are
// kept as raw JSON so they are stored and listed back unchanged.
type rawJSON = json.RawMessage

type Target struct {
	Id                          string             `json:"Id" aws:"required,min=1,max=64"`
	Arn                         string             `json:"Arn" aws:"required,min=1,max=1600"`
	RoleArn                     string             `json:"RoleArn,omitempty" aws:"min=1,max=1600"`
	Input                       *string            `json:"Input,omitempty" aws:"max=8192"`
	InputPath                   *string            `json:"InputPath,omitempty" aws:"max=256"`
	InputTransformer            *InputTransformer  `json:"InputTransformer,omitempty"`
	KinesisParameters           *KinesisParameters `json:"KinesisParameters,omitempty"`
	RunCommandParameters        rawJSON            `json:"RunCommandParameters,omitempty"`
	EcsParameters               rawJSON            `json:"EcsParameters,omitempty"`
	BatchParameters             rawJSON            `json:"BatchParameters,omitempty"`
	SqsParameters               *SqsParameters     `json:"SqsParameters,omitempty"`
	HttpParameters              *HttpParameters    `json:"HttpParameters,omitempty"`
	RedshiftDataParameters      rawJSON            `json:"RedshiftDataParameters,omitempty"`
	SageMakerPipelineParameters rawJSON            `json:"SageMakerPipelineParameters,omitempty"`
	DeadLetterConfig            *DeadLetterConfig  `json:"DeadLetterConfig,omitempty"`
	RetryPolicy                 *RetryPolicy       `json:"RetryPolicy,omitempty"`
	AppSyncParameters           rawJSON            `json:"AppSyncParameters,omitempty"`
}

// Rule is a rule as ListRules returns it.
type Rule struct {
	Name               string `json:"Name,omitempty"`
	Arn                string `json:"Arn,omitempty"`
	EventPattern       string `json:"EventPattern,omitempty"`
	State              string `json:"State,omitempty"`
	Description        string `json:"Description,omitempty"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty"`
	RoleArn            string `json:"RoleArn,omitempty"`
	ManagedBy          string `json:"ManagedBy,omitempty"`
	EventBusName       string `json:"EventBusName,omitempty"`
}

type PutRuleInput struct {
	Name               string `json:"Name" aws:"required,min=1,max=64"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty" aws:"max=256"`
	EventPattern       string `json:"EventPattern,omitempty" aws:"max=4096"`
	State              string `json:"State,omitempty" aws:"enum=ENABLED|DISABLED|ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"`
	Description        string `json:"Description,omitempty" aws:"max=512"`
	RoleArn            string `json:"RoleArn,omitempty" aws:"min=1,max=1600"`
	Tags               []Tag  `json:"Tags,omitempty"`
	EventBusName       string `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
}

type PutRuleOutput struct {
	RuleArn string `json:"RuleArn,omitempty"`
}

type DescribeRuleInput struct {
	Name         string `json:"Name" aws:"required,min=1,max=64"`
	EventBusName string `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
}

type DescribeRuleOutput struct {
	Name               string `json:"Name,omitempty"`
	Arn                string `json:"Arn,omitempty"`
	EventPattern       string `json:"EventPattern,omitempty"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty"`
	State              string `json:"State,omitempty"`
	Description        string `json:"Description,omitempty"`
	RoleArn            string `json:"RoleArn,omitempty"`
	ManagedBy          string `json:"ManagedBy,omitempty"`
	EventBusName       string `json:"EventBusName,omitempty"`
	CreatedBy          string `json:"CreatedBy,omitempty"`
}

type ListRulesInput struct {
	NamePrefix   string `json:"NamePrefix,omitempty" aws:"min=1,max=64"`
	EventBusName string `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
	NextToken    string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit        *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type ListRulesOutput struct {
	Rules     []Rule `json:"Rules"`
	NextToken string `json:"NextToken,omitempty"`
}

type DeleteRuleInput struct {
	Name         string `json:"Name" aws:"required,min=1,max=64"`
	EventBusName string `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
	Force        bool   `json:"Force,omitempty"`
}

type EnableRuleInput struct {
	Name         string `json:"Name" aws:"required,min=1,max=64"`
	EventBusName string `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
}

type DisableRuleInput EnableRuleInput

// Empty is the output of operations that return nothing.
type Empty struct{}

type PutTargetsInput struct {
	Rule         string   `json:"Rule" aws:"required,min=1,max=64"`
	EventBusName string   `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
	Targets      []Target `json:"Targets" aws:"required,min=1,max=100"`
}

type TargetResultEntry struct {
	TargetId     string `json:"TargetId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

type PutTargetsOutput struct {
	FailedEntryCount int32               `json:"FailedEntryCount"`
	FailedEntries    []TargetResultEntry `json:"FailedEntries"`
}

type RemoveTargetsInput struct {
	Rule         string   `json:"Rule" aws:"required,min=1,max=64"`
	EventBusName string   `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
	Ids          []string `json:"Ids" aws:"required,min=1,max=100"`
	Force        bool     `json:"Force,omitempty"`
}

type RemoveTargetsOutput PutTargetsOutput

type ListTargetsByRuleInput struct {
	Rule         string `json:"Rule" aws:"required,min=1,max=64"`
	EventBusName string `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
	NextToken    string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit        *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type ListTargetsByRuleOutput struct {
	Targets   []Target `json:"Targets"`
	NextToken string   `json:"NextToken,omitempty"`
}

type ListRuleNamesByTargetInput struct {
	TargetArn    string `json:"TargetArn" aws:"required,min=1,max=1600"`
	EventBusName string `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
	NextToken    string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit        *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type ListRuleNamesByTargetOutput struct {
	RuleNames []string `json:"RuleNames"`
	NextToken string   `json:"NextToken,omitempty"`
}

type PutEventsRequestEntry struct {
	Time         *time.Time `json:"Time,omitempty"`
	Source       string     `json:"Source,omitempty"`
	Resources    []string   `json:"Resources,omitempty"`
	DetailType   string     `json:"DetailType,omitempty"`
	Detail       string     `json:"Detail,omitempty"`
	EventBusName string     `json:"EventBusName,omitempty" aws:"min=1,max=1600"`
	TraceHeader  string     `json:"TraceHeader,omitempty" aws:"min=1,max=500"`
}

type PutEventsInput struct {
	Entries    []PutEventsRequestEntry `json:"Entries" aws:"required,min=1,max=10"`
	EndpointId string                  `json:"EndpointId,omitempty" aws:"min=1,max=50"`
}

type PutEventsResultEntry struct {
	EventId      string `json:"EventId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

type PutEventsOutput struct {
	FailedEntryCount int32                  `json:"FailedEntryCount"`
	Entries          []PutEventsResultEntry `json:"Entries"`
}

type TestEventPatternInput struct {
	EventPattern string `json:"EventPattern" aws:"required,max=4096"`
	Event        string `json:"Event" aws:"required"`
}

type TestEventPatternOutput struct {
	Result bool `json:"Result"`
}

type LogConfig struct {
	IncludeDetail string `json:"IncludeDetail,omitempty" aws:"enum=NONE|FULL"`
	Level         string `json:"Level,omitempty" aws:"enum=OFF|ERROR|INFO|TRACE"`
}

type CreateEventBusInput struct {
	Name             string            `json:"Name" aws:"required,min=1,max=256"`
	EventSourceName  string            `json:"EventSourceName,omitempty" aws:"min=1,max=256"`
	Description      string            `json:"Description,omitempty" aws:"max=512"`
	KmsKeyIdentifier string            `json:"KmsKeyIdentifier,omitempty" aws:"max=2048"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig,omitempty"`
	LogConfig        *LogConfig        `json:"LogConfig,omitempty"`
	Tags             []Tag             `json:"Tags,omitempty"`
}

type CreateEventBusOutput struct {
	EventBusArn      string            `json:"EventBusArn,omitempty"`
	Description      string            `json:"Description,omitempty"`
	KmsKeyIdentifier string            `json:"KmsKeyIdentifier,omitempty"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig,omitempty"`
	LogConfig        *LogConfig        `json:"LogConfig,omitempty"`
}

type DescribeEventBusInput struct {
	Name string `json:"Name,omitempty" aws:"min=1,max=1600"`
}

type DescribeEventBusOutput struct {
	Name             string            `json:"Name,omitempty"`
	Arn              string            `json:"Arn,omitempty"`
	Description      string            `json:"Description,omitempty"`
	KmsKeyIdentifier string            `json:"KmsKeyIdentifier,omitempty"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig,omitempty"`
	Policy           string            `json:"Policy,omitempty"`
	LogConfig        *LogConfig        `json:"LogConfig,omitempty"`
	CreationTime     *time.Time        `json:"CreationTime,omitempty"`
	LastModifiedTime *time.Time        `json:"LastModifiedTime,omitempty"`
}

type EventBus struct {
	Name             string     `json:"Name,omitempty"`
	Arn              string     `json:"Arn,omitempty"`
	Description      string     `json:"Description,omitempty"`
	Policy           string     `json:"Policy,omitempty"`
	CreationTime     *time.Time `json:"CreationTime,omitempty"`
	LastModifiedTime *time.Time `json:"LastModifiedTime,omitempty"`
}

type ListEventBusesInput struct {
	NamePrefix string `json:"NamePrefix,omitempty" aws:"min=1,max=256"`
	NextToken  string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit      *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type ListEventBusesOutput struct {
	EventBuses []EventBus `json:"EventBuses"`
	NextToken  string     `json:"NextToken,omitempty"`
}

type UpdateEventBusInput struct {
	Name             string            `json:"Name,omitempty" aws:"min=1,max=256"`
	KmsKeyIdentifier string            `json:"KmsKeyIdentifier,omitempty" aws:"max=2048"`
	Description      *string           `json:"Description,omitempty" aws:"max=512"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig,omitempty"`
	LogConfig        *LogConfig        `json:"LogConfig,omitempty"`
}

type UpdateEventBusOutput struct {
	Arn              string            `json:"Arn,omitempty"`
	Name             string            `json:"Name,omitempty"`
	KmsKeyIdentifier string            `json:"KmsKeyIdentifier,omitempty"`
	Description      string            `json:"Description,omitempty"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig,omitempty"`
	LogConfig        *LogConfig        `json:"LogConfig,omitempty"`
}

type DeleteEventBusInput struct {
	Name string `json:"Name" aws:"required,min=1,max=256"`
}

type TagResourceInput struct {
	ResourceARN string `json:"ResourceARN" aws:"required,min=1,max=1600"`
	Tags        []Tag  `json:"Tags" aws:"required"`
}

type UntagResourceInput struct {
	ResourceARN string   `json:"ResourceARN" aws:"required,min=1,max=1600"`
	TagKeys     []string `json:"TagKeys" aws:"required"`
}

type ListTagsForResourceInput struct {
	ResourceARN string `json:"ResourceARN" aws:"required,min=1,max=1600"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"Tags"`
}
