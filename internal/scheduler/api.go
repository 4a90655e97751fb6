package scheduler

import (
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// ServiceName is the registry's name for EventBridge Scheduler.
const ServiceName = "scheduler"

// Spec is EventBridge Scheduler as botocore's model describes it
// (restJson1, signing name "scheduler", 2021-06-30). It is a function so no
// caller can change what another sees.
func Spec() dispatch.Spec {
	return dispatch.Spec{
		Name:           ServiceName,
		SigningName:    "scheduler",
		Protocols:      []string{dispatch.RestJSON},
		APIVersion:     "2021-06-30",
		ValidationCode: "ValidationException",
	}
}

// Register adds the Scheduler operations with the model's HTTP bindings.
func (s *Service) Register(r *dispatch.Registry) {
	op := func(o dispatch.Op, method, path string) dispatch.Op {
		o.HTTP = dispatch.HTTP{Method: method, Path: path, Status: http.StatusOK}
		return o
	}
	r.AddService(Spec(),
		op(dispatch.Handle("CreateSchedule", s.CreateSchedule), http.MethodPost, "/schedules/{Name}"),
		op(dispatch.Handle("GetSchedule", s.GetSchedule), http.MethodGet, "/schedules/{Name}"),
		op(dispatch.Handle("UpdateSchedule", s.UpdateSchedule), http.MethodPut, "/schedules/{Name}"),
		op(dispatch.Handle("DeleteSchedule", s.DeleteSchedule), http.MethodDelete, "/schedules/{Name}"),
		op(dispatch.Handle("ListSchedules", s.ListSchedules), http.MethodGet, "/schedules"),
		op(dispatch.Handle("CreateScheduleGroup", s.CreateScheduleGroup), http.MethodPost, "/schedule-groups/{Name}"),
		op(dispatch.Handle("GetScheduleGroup", s.GetScheduleGroup), http.MethodGet, "/schedule-groups/{Name}"),
		op(dispatch.Handle("DeleteScheduleGroup", s.DeleteScheduleGroup), http.MethodDelete, "/schedule-groups/{Name}"),
		op(dispatch.Handle("ListScheduleGroups", s.ListScheduleGroups), http.MethodGet, "/schedule-groups"),
		op(dispatch.Handle("TagResource", s.TagResource), http.MethodPost, "/tags/{ResourceArn}"),
		op(dispatch.Handle("UntagResource", s.UntagResource), http.MethodDelete, "/tags/{ResourceArn}"),
		op(dispatch.Handle("ListTagsForResource", s.ListTagsForResource), http.MethodGet, "/tags/{ResourceArn}"),
	)
}

// Values of the model's enums and AWS's defaults.
const (
	StateEnabled  = "ENABLED"
	StateDisabled = "DISABLED"

	ModeOff      = "OFF"
	ModeFlexible = "FLEXIBLE"

	AfterNone   = "NONE"
	AfterDelete = "DELETE"

	GroupActive   = "ACTIVE"
	DefaultGroup  = "default"
	DefaultTZ     = "UTC"
	DefaultMaxAge = 86400 // RetryPolicy.MaximumEventAgeInSeconds
	DefaultMaxTry = 185   // RetryPolicy.MaximumRetryAttempts
)

// Wire shapes. Member names, types, constraints and REST bindings are
// botocore's (scheduler service-2.json, 2021-06-30). Patterns the aws tag
// cannot carry are checked in check.go.

type Tag struct {
	Key   string `json:"Key" aws:"required,min=1,max=128"`
	Value string `json:"Value" aws:"required,min=1,max=256"`
}

type FlexibleTimeWindow struct {
	Mode                   string `json:"Mode" aws:"required,enum=OFF|FLEXIBLE"`
	MaximumWindowInMinutes *int32 `json:"MaximumWindowInMinutes,omitempty" aws:"min=1,max=1440"`
}

type RetryPolicy struct {
	MaximumEventAgeInSeconds *int32 `json:"MaximumEventAgeInSeconds,omitempty" aws:"min=60,max=86400"`
	MaximumRetryAttempts     *int32 `json:"MaximumRetryAttempts,omitempty" aws:"min=0,max=185"`
}

type DeadLetterConfig struct {
	Arn string `json:"Arn,omitempty" aws:"min=1,max=1600"`
}

type EventBridgeParameters struct {
	DetailType string `json:"DetailType" aws:"required,min=1,max=128"`
	Source     string `json:"Source" aws:"required,min=1,max=256"`
}

type KinesisParameters struct {
	PartitionKey string `json:"PartitionKey" aws:"required,min=1,max=256"`
}

type SageMakerPipelineParameter struct {
	Name  string `json:"Name" aws:"required,min=1,max=256"`
	Value string `json:"Value" aws:"required,min=1,max=1024"`
}

type SageMakerPipelineParameters struct {
	PipelineParameterList []SageMakerPipelineParameter `json:"PipelineParameterList,omitempty" aws:"min=0,max=200"`
}

type SqsParameters struct {
	MessageGroupID string `json:"MessageGroupId,omitempty" aws:"min=1,max=128"`
}

type CapacityProviderStrategyItem struct {
	Base             *int32 `json:"base,omitempty" aws:"min=0,max=100000"`
	CapacityProvider string `json:"capacityProvider" aws:"required,min=1,max=255"`
	Weight           *int32 `json:"weight,omitempty" aws:"min=0,max=1000"`
}

type AwsVpcConfiguration struct {
	AssignPublicIP string   `json:"AssignPublicIp,omitempty" aws:"enum=ENABLED|DISABLED"`
	SecurityGroups []string `json:"SecurityGroups,omitempty" aws:"min=1,max=5"`
	Subnets        []string `json:"Subnets" aws:"required,min=1,max=16"`
}

type NetworkConfiguration struct {
	AwsvpcConfiguration *AwsVpcConfiguration `json:"awsvpcConfiguration,omitempty"`
}

type PlacementConstraint struct {
	Expression string `json:"expression,omitempty" aws:"max=2000"`
	Type       string `json:"type,omitempty" aws:"enum=distinctInstance|memberOf"`
}

type PlacementStrategy struct {
	Field string `json:"field,omitempty" aws:"max=255"`
	Type  string `json:"type,omitempty" aws:"enum=random|spread|binpack"`
}

type EcsParameters struct {
	CapacityProviderStrategy []CapacityProviderStrategyItem `json:"CapacityProviderStrategy,omitempty" aws:"min=0,max=6"`
	EnableECSManagedTags     *bool                          `json:"EnableECSManagedTags,omitempty"`
	EnableExecuteCommand     *bool                          `json:"EnableExecuteCommand,omitempty"`
	Group                    string                         `json:"Group,omitempty" aws:"min=1,max=255"`
	LaunchType               string                         `json:"LaunchType,omitempty" aws:"enum=EC2|FARGATE|EXTERNAL"`
	NetworkConfiguration     *NetworkConfiguration          `json:"NetworkConfiguration,omitempty"`
	PlacementConstraints     []PlacementConstraint          `json:"PlacementConstraints,omitempty" aws:"min=0,max=10"`
	PlacementStrategy        []PlacementStrategy            `json:"PlacementStrategy,omitempty" aws:"min=0,max=5"`
	PlatformVersion          string                         `json:"PlatformVersion,omitempty" aws:"min=1,max=64"`
	PropagateTags            string                         `json:"PropagateTags,omitempty" aws:"enum=TASK_DEFINITION"`
	ReferenceID              string                         `json:"ReferenceId,omitempty" aws:"max=1024"`
	Tags                     []map[string]string            `json:"Tags,omitempty" aws:"min=0,max=50"`
	TaskCount                *int32                         `json:"TaskCount,omitempty" aws:"min=1,max=10"`
	TaskDefinitionArn        string                         `json:"TaskDefinitionArn" aws:"required,min=1,max=1600"`
}

// Target is what a schedule invokes: a templated target (a service
// resource ARN) or a universal one (arn:aws:scheduler:::aws-sdk:...).
type Target struct {
	Arn                         string                       `json:"Arn" aws:"required,min=1,max=1600"`
	DeadLetterConfig            *DeadLetterConfig            `json:"DeadLetterConfig,omitempty"`
	EcsParameters               *EcsParameters               `json:"EcsParameters,omitempty"`
	EventBridgeParameters       *EventBridgeParameters       `json:"EventBridgeParameters,omitempty"`
	Input                       *string                      `json:"Input,omitempty" aws:"min=1"`
	KinesisParameters           *KinesisParameters           `json:"KinesisParameters,omitempty"`
	RetryPolicy                 *RetryPolicy                 `json:"RetryPolicy,omitempty"`
	RoleArn                     string                       `json:"RoleArn" aws:"required,min=1,max=1600"`
	SageMakerPipelineParameters *SageMakerPipelineParameters `json:"SageMakerPipelineParameters,omitempty"`
	SqsParameters               *SqsParameters               `json:"SqsParameters,omitempty"`
}

type TargetSummary struct {
	Arn string `json:"Arn"`
}

type ScheduleSummary struct {
	Arn                  string         `json:"Arn,omitempty"`
	CreationDate         *time.Time     `json:"CreationDate,omitempty"`
	GroupName            string         `json:"GroupName,omitempty"`
	LastModificationDate *time.Time     `json:"LastModificationDate,omitempty"`
	Name                 string         `json:"Name,omitempty"`
	State                string         `json:"State,omitempty"`
	Target               *TargetSummary `json:"Target,omitempty"`
}

type ScheduleGroupSummary struct {
	Arn                  string     `json:"Arn,omitempty"`
	CreationDate         *time.Time `json:"CreationDate,omitempty"`
	LastModificationDate *time.Time `json:"LastModificationDate,omitempty"`
	Name                 string     `json:"Name,omitempty"`
	State                string     `json:"State,omitempty"`
}

// CreateScheduleInput and UpdateScheduleInput have the same members: an
// update replaces the whole schedule.
type CreateScheduleInput struct {
	ActionAfterCompletion      string              `json:"ActionAfterCompletion,omitempty" aws:"enum=NONE|DELETE"`
	ClientToken                string              `json:"ClientToken,omitempty" aws:"min=1,max=64"`
	Description                *string             `json:"Description,omitempty" aws:"min=0,max=512"`
	EndDate                    *time.Time          `json:"EndDate,omitempty"`
	FlexibleTimeWindow         *FlexibleTimeWindow `json:"FlexibleTimeWindow" aws:"required"`
	GroupName                  string              `json:"GroupName,omitempty" aws:"min=1,max=64"`
	KmsKeyArn                  string              `json:"KmsKeyArn,omitempty" aws:"min=1,max=2048"`
	Name                       string              `json:"Name" aws:"required,min=1,max=64,location=uri,name=Name"`
	ScheduleExpression         string              `json:"ScheduleExpression" aws:"required,min=1,max=256"`
	ScheduleExpressionTimezone string              `json:"ScheduleExpressionTimezone,omitempty" aws:"min=1,max=50"`
	StartDate                  *time.Time          `json:"StartDate,omitempty"`
	State                      string              `json:"State,omitempty" aws:"enum=ENABLED|DISABLED"`
	Target                     *Target             `json:"Target" aws:"required"`
}

type CreateScheduleOutput struct {
	ScheduleArn string `json:"ScheduleArn"`
}

type UpdateScheduleInput CreateScheduleInput

type UpdateScheduleOutput struct {
	ScheduleArn string `json:"ScheduleArn"`
}

type GetScheduleInput struct {
	GroupName string `json:"GroupName,omitempty" aws:"min=1,max=64,location=querystring,name=groupName"`
	Name      string `json:"Name" aws:"required,min=1,max=64,location=uri,name=Name"`
}

type GetScheduleOutput struct {
	ActionAfterCompletion      string              `json:"ActionAfterCompletion,omitempty"`
	Arn                        string              `json:"Arn,omitempty"`
	CreationDate               *time.Time          `json:"CreationDate,omitempty"`
	Description                *string             `json:"Description,omitempty"`
	EndDate                    *time.Time          `json:"EndDate,omitempty"`
	FlexibleTimeWindow         *FlexibleTimeWindow `json:"FlexibleTimeWindow,omitempty"`
	GroupName                  string              `json:"GroupName,omitempty"`
	KmsKeyArn                  string              `json:"KmsKeyArn,omitempty"`
	LastModificationDate       *time.Time          `json:"LastModificationDate,omitempty"`
	Name                       string              `json:"Name,omitempty"`
	ScheduleExpression         string              `json:"ScheduleExpression,omitempty"`
	ScheduleExpressionTimezone string              `json:"ScheduleExpressionTimezone,omitempty"`
	StartDate                  *time.Time          `json:"StartDate,omitempty"`
	State                      string              `json:"State,omitempty"`
	Target                     *Target             `json:"Target,omitempty"`
}

type DeleteScheduleInput struct {
	ClientToken string `json:"ClientToken,omitempty" aws:"min=1,max=64,location=querystring,name=clientToken"`
	GroupName   string `json:"GroupName,omitempty" aws:"min=1,max=64,location=querystring,name=groupName"`
	Name        string `json:"Name" aws:"required,min=1,max=64,location=uri,name=Name"`
}

type DeleteScheduleOutput struct{}

type ListSchedulesInput struct {
	GroupName  string `json:"GroupName,omitempty" aws:"min=1,max=64,location=querystring,name=ScheduleGroup"`
	MaxResults *int32 `json:"MaxResults,omitempty" aws:"min=1,max=100,location=querystring,name=MaxResults"`
	NamePrefix string `json:"NamePrefix,omitempty" aws:"min=1,max=64,location=querystring,name=NamePrefix"`
	NextToken  string `json:"NextToken,omitempty" aws:"min=1,max=2048,location=querystring,name=NextToken"`
	State      string `json:"State,omitempty" aws:"enum=ENABLED|DISABLED,location=querystring,name=State"`
}

type ListSchedulesOutput struct {
	NextToken string            `json:"NextToken,omitempty"`
	Schedules []ScheduleSummary `json:"Schedules"`
}

type CreateScheduleGroupInput struct {
	ClientToken string `json:"ClientToken,omitempty" aws:"min=1,max=64"`
	Name        string `json:"Name" aws:"required,min=1,max=64,location=uri,name=Name"`
	Tags        []Tag  `json:"Tags,omitempty" aws:"min=0,max=200"`
}

type CreateScheduleGroupOutput struct {
	ScheduleGroupArn string `json:"ScheduleGroupArn"`
}

type GetScheduleGroupInput struct {
	Name string `json:"Name" aws:"required,min=1,max=64,location=uri,name=Name"`
}

type GetScheduleGroupOutput struct {
	Arn                  string     `json:"Arn,omitempty"`
	CreationDate         *time.Time `json:"CreationDate,omitempty"`
	LastModificationDate *time.Time `json:"LastModificationDate,omitempty"`
	Name                 string     `json:"Name,omitempty"`
	State                string     `json:"State,omitempty"`
}

type DeleteScheduleGroupInput struct {
	ClientToken string `json:"ClientToken,omitempty" aws:"min=1,max=64,location=querystring,name=clientToken"`
	Name        string `json:"Name" aws:"required,min=1,max=64,location=uri,name=Name"`
}

type DeleteScheduleGroupOutput struct{}

type ListScheduleGroupsInput struct {
	MaxResults *int32 `json:"MaxResults,omitempty" aws:"min=1,max=100,location=querystring,name=MaxResults"`
	NamePrefix string `json:"NamePrefix,omitempty" aws:"min=1,max=64,location=querystring,name=NamePrefix"`
	NextToken  string `json:"NextToken,omitempty" aws:"min=1,max=2048,location=querystring,name=NextToken"`
}

type ListScheduleGroupsOutput struct {
	NextToken      string                 `json:"NextToken,omitempty"`
	ScheduleGroups []ScheduleGroupSummary `json:"ScheduleGroups"`
}

type TagResourceInput struct {
	ResourceArn string `json:"ResourceArn" aws:"required,min=1,max=1011,location=uri,name=ResourceArn"`
	Tags        []Tag  `json:"Tags" aws:"required,min=0,max=200"`
}

type TagResourceOutput struct{}

type UntagResourceInput struct {
	ResourceArn string   `json:"ResourceArn" aws:"required,min=1,max=1011,location=uri,name=ResourceArn"`
	TagKeys     []string `json:"TagKeys" aws:"required,min=0,max=200,location=querystring,name=TagKeys"`
}

type UntagResourceOutput struct{}

type ListTagsForResourceInput struct {
	ResourceArn string `json:"ResourceArn" aws:"required,min=1,max=1011,location=uri,name=ResourceArn"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"Tags"`
}
