package ssm

import (
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Spec is Systems Manager as botocore's model describes it (awsJson1_1,
// X-Amz-Target AmazonSSM.<Operation>). It is a function so no caller can
// change what another sees.
func Spec() dispatch.Spec {
	return dispatch.Spec{
		Name:           "ssm",
		SigningName:    "ssm",
		Protocols:      []string{dispatch.JSON},
		TargetPrefix:   "AmazonSSM",
		JSONVersion:    "1.1",
		APIVersion:     "2014-11-06",
		ValidationCode: "ValidationException",
	}
}

// Register adds the Parameter Store operations to r.
func (s *Service) Register(r *dispatch.Registry) {
	r.AddService(Spec(),
		dispatch.Handle("PutParameter", s.PutParameter),
		dispatch.Handle("GetParameter", s.GetParameter),
		dispatch.Handle("GetParameters", s.GetParameters),
		dispatch.Handle("GetParametersByPath", s.GetParametersByPath),
		dispatch.Handle("GetParameterHistory", s.GetParameterHistory),
		dispatch.Handle("DescribeParameters", s.DescribeParameters),
		dispatch.Handle("DeleteParameter", s.DeleteParameter),
		dispatch.Handle("DeleteParameters", s.DeleteParameters),
		dispatch.Handle("LabelParameterVersion", s.LabelParameterVersion),
		dispatch.Handle("UnlabelParameterVersion", s.UnlabelParameterVersion),
		dispatch.Handle("AddTagsToResource", s.AddTagsToResource),
		dispatch.Handle("RemoveTagsFromResource", s.RemoveTagsFromResource),
		dispatch.Handle("ListTagsForResource", s.ListTagsForResource),
	)
}

// Values of the model's enums and defaults.
const (
	TypeString       = "String"
	TypeStringList   = "StringList"
	TypeSecureString = "SecureString"

	TierStandard           = "Standard"
	TierAdvanced           = "Advanced"
	TierIntelligentTiering = "Intelligent-Tiering"

	DataTypeText        = "text"
	DataTypeEC2Image    = "aws:ec2:image"
	DataTypeIntegration = "aws:ssm:integration"

	// DefaultKeyID is the AWS managed key SecureString parameters use when
	// PutParameter names none.
	DefaultKeyID = "alias/aws/ssm"

	ResourceTypeParameter = "Parameter"
)

// Wire shapes. Member names, types and constraints are botocore's
// (service-2.json, 2014-11-06). Output lists that AWS always sends, even
// empty, carry no omitempty so clients indexing them find a list.

// Tag is a key-value pair on a parameter.
type Tag struct {
	Key string `json:"Key" aws:"required,min=1,max=128"`
	// Value is required by the model but may be empty; the registry treats an
	// empty required string as missing, so the tag is left off here.
	Value string `json:"Value" aws:"max=256"`
}

// Parameter is one parameter value as the Get operations return it.
type Parameter struct {
	Name             string     `json:"Name,omitempty"`
	Type             string     `json:"Type,omitempty"`
	Value            string     `json:"Value,omitempty" aws:"sensitive"`
	Version          int64      `json:"Version,omitempty"`
	Selector         string     `json:"Selector,omitempty"`
	SourceResult     string     `json:"SourceResult,omitempty"`
	LastModifiedDate *time.Time `json:"LastModifiedDate,omitempty"`
	ARN              string     `json:"ARN,omitempty"`
	DataType         string     `json:"DataType,omitempty"`
}

// ParameterInlinePolicy is one parameter policy and its state.
type ParameterInlinePolicy struct {
	PolicyText   string `json:"PolicyText,omitempty"`
	PolicyType   string `json:"PolicyType,omitempty"`
	PolicyStatus string `json:"PolicyStatus,omitempty"`
}

// ParameterMetadata is what DescribeParameters says about a parameter.
type ParameterMetadata struct {
	Name             string                  `json:"Name,omitempty"`
	ARN              string                  `json:"ARN,omitempty"`
	Type             string                  `json:"Type,omitempty"`
	KeyID            string                  `json:"KeyId,omitempty"`
	LastModifiedDate *time.Time              `json:"LastModifiedDate,omitempty"`
	LastModifiedUser string                  `json:"LastModifiedUser,omitempty"`
	Description      string                  `json:"Description,omitempty"`
	AllowedPattern   string                  `json:"AllowedPattern,omitempty"`
	Version          int64                   `json:"Version,omitempty"`
	Tier             string                  `json:"Tier,omitempty"`
	Policies         []ParameterInlinePolicy `json:"Policies"`
	DataType         string                  `json:"DataType,omitempty"`
}

// ParameterHistory is one version of a parameter.
type ParameterHistory struct {
	Name             string                  `json:"Name,omitempty"`
	Type             string                  `json:"Type,omitempty"`
	KeyID            string                  `json:"KeyId,omitempty"`
	LastModifiedDate *time.Time              `json:"LastModifiedDate,omitempty"`
	LastModifiedUser string                  `json:"LastModifiedUser,omitempty"`
	Description      string                  `json:"Description,omitempty"`
	Value            string                  `json:"Value,omitempty" aws:"sensitive"`
	AllowedPattern   string                  `json:"AllowedPattern,omitempty"`
	Version          int64                   `json:"Version,omitempty"`
	Labels           []string                `json:"Labels"`
	Tier             string                  `json:"Tier,omitempty"`
	Policies         []ParameterInlinePolicy `json:"Policies"`
	DataType         string                  `json:"DataType,omitempty"`
}

// ParameterStringFilter filters DescribeParameters and GetParametersByPath.
type ParameterStringFilter struct {
	Key    string   `json:"Key" aws:"required,min=1,max=132"`
	Option string   `json:"Option,omitempty" aws:"min=1,max=10"`
	Values []string `json:"Values,omitempty" aws:"min=1,max=50"`
}

// ParametersFilter is DescribeParameters' deprecated filter.
type ParametersFilter struct {
	Key    string   `json:"Key" aws:"required,enum=Name|Type|KeyId"`
	Values []string `json:"Values" aws:"required,min=1,max=50"`
}

type PutParameterInput struct {
	Name           string `json:"Name" aws:"required,min=1,max=2048"`
	Description    string `json:"Description,omitempty" aws:"max=1024"`
	Value          string `json:"Value" aws:"required,sensitive"`
	Type           string `json:"Type,omitempty" aws:"enum=String|StringList|SecureString"`
	KeyID          string `json:"KeyId,omitempty" aws:"min=1,max=256"`
	Overwrite      bool   `json:"Overwrite,omitempty"`
	AllowedPattern string `json:"AllowedPattern,omitempty" aws:"max=1024"`
	Tags           []Tag  `json:"Tags,omitempty" aws:"max=1000"`
	Tier           string `json:"Tier,omitempty" aws:"enum=Standard|Advanced|Intelligent-Tiering"`
	Policies       string `json:"Policies,omitempty" aws:"min=1,max=4096"`
	DataType       string `json:"DataType,omitempty" aws:"max=128"`
}

type PutParameterOutput struct {
	Version int64  `json:"Version,omitempty"`
	Tier    string `json:"Tier,omitempty"`
}

type GetParameterInput struct {
	Name           string `json:"Name" aws:"required,min=1,max=2048"`
	WithDecryption bool   `json:"WithDecryption,omitempty"`
}

type GetParameterOutput struct {
	Parameter *Parameter `json:"Parameter,omitempty"`
}

type GetParametersInput struct {
	Names          []string `json:"Names" aws:"required,min=1,max=10"`
	WithDecryption bool     `json:"WithDecryption,omitempty"`
}

type GetParametersOutput struct {
	Parameters        []Parameter `json:"Parameters"`
	InvalidParameters []string    `json:"InvalidParameters"`
}

type GetParametersByPathInput struct {
	Path             string                  `json:"Path" aws:"required,min=1,max=2048"`
	Recursive        bool                    `json:"Recursive,omitempty"`
	ParameterFilters []ParameterStringFilter `json:"ParameterFilters,omitempty"`
	WithDecryption   bool                    `json:"WithDecryption,omitempty"`
	MaxResults       *int32                  `json:"MaxResults,omitempty" aws:"min=1,max=10"`
	NextToken        string                  `json:"NextToken,omitempty"`
}

type GetParametersByPathOutput struct {
	Parameters []Parameter `json:"Parameters"`
	NextToken  string      `json:"NextToken,omitempty"`
}

type GetParameterHistoryInput struct {
	Name           string `json:"Name" aws:"required,min=1,max=2048"`
	WithDecryption bool   `json:"WithDecryption,omitempty"`
	MaxResults     *int32 `json:"MaxResults,omitempty" aws:"min=1,max=50"`
	NextToken      string `json:"NextToken,omitempty"`
}

type GetParameterHistoryOutput struct {
	Parameters []ParameterHistory `json:"Parameters"`
	NextToken  string             `json:"NextToken,omitempty"`
}

type DescribeParametersInput struct {
	Filters          []ParametersFilter      `json:"Filters,omitempty"`
	ParameterFilters []ParameterStringFilter `json:"ParameterFilters,omitempty"`
	MaxResults       *int32                  `json:"MaxResults,omitempty" aws:"min=1,max=50"`
	NextToken        string                  `json:"NextToken,omitempty"`
	Shared           bool                    `json:"Shared,omitempty"`
}

type DescribeParametersOutput struct {
	Parameters []ParameterMetadata `json:"Parameters"`
	NextToken  string              `json:"NextToken,omitempty"`
}

type DeleteParameterInput struct {
	Name string `json:"Name" aws:"required,min=1,max=2048"`
}

type DeleteParameterOutput struct{}

type DeleteParametersInput struct {
	Names []string `json:"Names" aws:"required,min=1,max=10"`
}

type DeleteParametersOutput struct {
	DeletedParameters []string `json:"DeletedParameters"`
	InvalidParameters []string `json:"InvalidParameters"`
}

type LabelParameterVersionInput struct {
	Name             string   `json:"Name" aws:"required,min=1,max=2048"`
	ParameterVersion *int64   `json:"ParameterVersion,omitempty"`
	Labels           []string `json:"Labels" aws:"required,min=1,max=10"`
}

type LabelParameterVersionOutput struct {
	InvalidLabels    []string `json:"InvalidLabels"`
	ParameterVersion int64    `json:"ParameterVersion,omitempty"`
}

type UnlabelParameterVersionInput struct {
	Name             string   `json:"Name" aws:"required,min=1,max=2048"`
	ParameterVersion *int64   `json:"ParameterVersion" aws:"required"`
	Labels           []string `json:"Labels" aws:"required,min=1,max=10"`
}

type UnlabelParameterVersionOutput struct {
	RemovedLabels []string `json:"RemovedLabels"`
	InvalidLabels []string `json:"InvalidLabels"`
}

type AddTagsToResourceInput struct {
	ResourceType string `json:"ResourceType" aws:"required,enum=Document|ManagedInstance|MaintenanceWindow|Parameter|PatchBaseline|OpsItem|OpsMetadata|Automation|Association"`
	ResourceID   string `json:"ResourceId" aws:"required"`
	Tags         []Tag  `json:"Tags" aws:"required,max=1000"`
}

type AddTagsToResourceOutput struct{}

type RemoveTagsFromResourceInput struct {
	ResourceType string   `json:"ResourceType" aws:"required,enum=Document|ManagedInstance|MaintenanceWindow|Parameter|PatchBaseline|OpsItem|OpsMetadata|Automation|Association"`
	ResourceID   string   `json:"ResourceId" aws:"required"`
	TagKeys      []string `json:"TagKeys" aws:"required"`
}

type RemoveTagsFromResourceOutput struct{}

type ListTagsForResourceInput struct {
	ResourceType string `json:"ResourceType" aws:"required,enum=Document|ManagedInstance|MaintenanceWindow|Parameter|PatchBaseline|OpsItem|OpsMetadata|Automation|Association"`
	ResourceID   string `json:"ResourceId" aws:"required"`
}

type ListTagsForResourceOutput struct {
	TagList []Tag `json:"TagList"`
}
