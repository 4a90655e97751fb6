package ssm

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// The WordPress raw Lambda of the seed reads these three parameters.
const (
	seedBucketParam    = "/s3/lakehouse/name/raw"
	seedTopicParam     = "/sns/data/lakehouse/raw"
	seedEndpointsParam = "/wordpress/amazonwebshark/api/mysqlendpoints"
	seedEndpoints      = "https://amazonwebshark.com/wp-json/wp/v2/posts,https://amazonwebshark.com/wp-json/wp/v2/categories,https://amazonwebshark.com/wp-json/wp/v2/tags"
)

func putSeed(e *env) {
	e.t.Helper()
	e.put(seedCaller, &PutParameterInput{Name: seedBucketParam, Type: TypeString, Value: "data-lakehouse-raw"})
	e.put(seedCaller, &PutParameterInput{Name: seedTopicParam, Type: TypeString, Value: "arn:aws:sns:eu-west-1:123456789012:data-lakehouse-raw"})
	e.put(seedCaller, &PutParameterInput{Name: seedEndpointsParam, Type: TypeStringList, Value: seedEndpoints})
}

func TestSeedParameters(t *testing.T) {
	e := newEnv(t)
	putSeed(e)

	p := e.get(seedCaller, seedBucketParam, false)
	want := Parameter{
		Name: seedBucketParam, Type: TypeString, Value: "data-lakehouse-raw", Version: 1,
		LastModifiedDate: &start, DataType: DataTypeText,
		ARN: "arn:aws:ssm:eu-west-1:123456789012:parameter/s3/lakehouse/name/raw",
	}
	if !reflect.DeepEqual(*p, want) {
		t.Errorf("GetParameter = %+v, want %+v", *p, want)
	}

	list := e.get(seedCaller, seedEndpointsParam, false)
	if list.Type != TypeStringList || len(strings.Split(list.Value, ",")) != 3 {
		t.Errorf("endpoints = %s %q, want a StringList of three endpoints", list.Type, list.Value)
	}

	// The raw Lambda's three reads in one GetParameters, plus a name that
	// does not exist.
	out := must[GetParametersOutput](e, seedCaller, "GetParameters", &GetParametersInput{
		Names: []string{seedBucketParam, seedTopicParam, seedEndpointsParam, "/s3/lakehouse/name/bronze"},
	})
	var names []string
	for _, p := range out.Parameters {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{seedBucketParam, seedTopicParam, seedEndpointsParam}) {
		t.Errorf("GetParameters names = %v", names)
	}
	if !slices.Equal(out.InvalidParameters, []string{"/s3/lakehouse/name/bronze"}) {
		t.Errorf("InvalidParameters = %v", out.InvalidParameters)
	}

	// The IAM policy of the seed names parameters by ARN.
	byARN := e.get(seedCaller, "arn:aws:ssm:eu-west-1:123456789012:parameter/sns/data/lakehouse/raw", false)
	if byARN.Name != seedTopicParam || byARN.Value != "arn:aws:sns:eu-west-1:123456789012:data-lakehouse-raw" {
		t.Errorf("GetParameter by ARN = %+v", byARN)
	}
}

func TestPutParameterErrors(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	deep := strings.Repeat("/l", 16) // 16 levels
	policy := func(typ string, attrs string) string {
		return fmt.Sprintf(`{"Type":%q,"Version":"1.0","Attributes":%s}`, typ, attrs)
	}
	expiration := policy("Expiration", `{"Timestamp":"2030-01-01T00:00:00.000Z"}`)
	var eleven []string
	for range 11 {
		eleven = append(eleven, expiration)
	}
	var tags []Tag
	for i := range 51 {
		tags = append(tags, Tag{Key: fmt.Sprintf("k%d", i), Value: "v"})
	}
	tests := []struct {
		name    string
		in      PutParameterInput
		code    string
		message string // a substring, when the wording matters
	}{
		{"exists", PutParameterInput{Name: "/app/existing", Type: TypeString, Value: "v"}, "ParameterAlreadyExists", "set the overwrite option"},
		{"no type for a new parameter", PutParameterInput{Name: "/app/new", Value: "v"}, "ValidationException", "type is required"},
		{"bad type", PutParameterInput{Name: "/app/new", Type: "Number", Value: "v"}, "ValidationException", "Member must satisfy enum value set"},
		{"no name", PutParameterInput{Type: TypeString, Value: "v"}, "ValidationException", "Value null at 'name'"},
		{"no value", PutParameterInput{Name: "/app/new", Type: TypeString}, "ValidationException", "Value null at 'value'"},
		{"name over 2048", PutParameterInput{Name: "/" + long(2048), Type: TypeString, Value: "v"}, "ValidationException", "length less than or equal to 2048"},
		{"aws prefix", PutParameterInput{Name: "awsconfig", Type: TypeString, Value: "v"}, "ValidationException", `can't be prefixed with "aws" or "ssm"`},
		{"ssm prefix any case", PutParameterInput{Name: "/SSMthing", Type: TypeString, Value: "v"}, "ValidationException", `can't be prefixed with "aws" or "ssm"`},
		{"ssm path", PutParameterInput{Name: "/ssm/thing", Type: TypeString, Value: "v"}, "ValidationException", `can't be prefixed with "ssm"`},
		{"aws path", PutParameterInput{Name: "/aws/service/x", Type: TypeString, Value: "v"}, "AccessDeniedException", "reserved parameter name"},
		{"not fully qualified", PutParameterInput{Name: "app/x", Type: TypeString, Value: "v"}, "ValidationException", "Parameter name must be a fully qualified name."},
		{"space inside", PutParameterInput{Name: "/app/my param", Type: TypeString, Value: "v"}, "ValidationException", "sub-paths divided by slash"},
		{"bad character", PutParameterInput{Name: "/app/x@y", Type: TypeString, Value: "v"}, "ValidationException", "sub-paths divided by slash"},
		{"trailing slash", PutParameterInput{Name: "/app/x/", Type: TypeString, Value: "v"}, "ValidationException", ""},
		{"16 levels", PutParameterInput{Name: deep, Type: TypeString, Value: "v"}, "HierarchyLevelLimitExceededException", "maximum of 15 levels"},
		{"tags with overwrite", PutParameterInput{Name: "/app/existing", Value: "v", Overwrite: true, Tags: []Tag{{Key: "k", Value: "v"}}}, "ValidationException", "tags and overwrite can't be used together"},
		{"bad tag key", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Tags: []Tag{{Key: "a*b", Value: "v"}}}, "ValidationException", "tags.1.member.key"},
		{"too many tags", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Tags: tags}, "TooManyTagsError", ""},
		{"pattern mismatch", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "12a", AllowedPattern: `^\d+$`}, "ParameterPatternMismatchException", `allowedPattern: ^\d+$`},
		{"bad pattern", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "1", AllowedPattern: `(`}, "InvalidAllowedPatternException", ""},
		{"standard too big", PutParameterInput{Name: "/app/new", Type: TypeString, Value: long(4097)}, "ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters"},
		{"standard tier too big", PutParameterInput{Name: "/app/new", Type: TypeString, Value: long(4097), Tier: TierStandard}, "ValidationException", "maximum parameter value of 4096"},
		{"advanced too big", PutParameterInput{Name: "/app/new", Type: TypeString, Value: long(8193), Tier: TierAdvanced}, "ValidationException", "8192"},
		{"bad tier", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Tier: "Premium"}, "ValidationException", "enum value set"},
		{"key id on a String", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", KeyID: "alias/mine"}, "InvalidKeyId", ""},
		{"another service's key", PutParameterInput{Name: "/app/new", Type: TypeSecureString, Value: "v", KeyID: "alias/aws/s3"}, "InvalidKeyId", ""},
		{"key id pattern", PutParameterInput{Name: "/app/new", Type: TypeSecureString, Value: "v", KeyID: "alias/my key"}, "ValidationException", "regular expression pattern"},
		{"bad data type", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", DataType: "Text"}, "ValidationException", "data type is not supported"},
		{"bad ami", PutParameterInput{Name: "/app/ami", Type: TypeString, Value: "not-an-ami", DataType: DataTypeEC2Image}, "ValidationException", "AMI"},
		{"nested reference", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "{{ssm:/app/existing}}"}, "ValidationException", "can't nest another parameter"},
		{"policies on standard", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Policies: "[" + expiration + "]"}, "ValidationException", "advanced-tier"},
		{"too many policies", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Tier: TierAdvanced, Policies: "[" + strings.Join(eleven, ",") + "]"}, "PoliciesLimitExceededException", ""},
		{"unknown policy type", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Tier: TierAdvanced, Policies: "[" + policy("Rotate", "{}") + "]"}, "InvalidPolicyTypeException", ""},
		{"policy attribute missing", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Tier: TierAdvanced, Policies: "[" + policy("Expiration", "{}") + "]"}, "InvalidPolicyAttributeException", "Timestamp"},
		{"two expirations", PutParameterInput{Name: "/app/new", Type: TypeString, Value: "v", Tier: TierAdvanced, Policies: "[" + expiration + "," + expiration + "]"}, "IncompatiblePolicyException", ""},
	}
	e := newEnv(t)
	e.put(seedCaller, &PutParameterInput{Name: "/app/existing", Type: TypeString, Value: "v"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			err := fails(e, seedCaller, "PutParameter", &tt.in, tt.code)
			if !strings.Contains(err.Message, tt.message) {
				t.Errorf("message %q does not contain %q", err.Message, tt.message)
			}
		})
	}
	e.t = t
	// None of them created anything.
	d := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{})
	if len(d.Parameters) != 1 || d.Parameters[0].Version != 1 {
		t.Errorf("after failed puts: %+v", d.Parameters)
	}
}

func TestPutParameterAccepts(t *testing.T) {
	tests := []struct {
		name     string
		in       PutParameterInput
		wantTier string
	}{
		{"15 levels", PutParameterInput{Name: strings.Repeat("/l", 15), Type: TypeString, Value: "v"}, TierStandard},
		{"single level without slash", PutParameterInput{Name: "plain-name_1.0", Type: TypeString, Value: "v"}, TierStandard},
		{"spaces around the name", PutParameterInput{Name: "  /app/trimmed  ", Type: TypeString, Value: "v"}, TierStandard},
		{"4096 standard", PutParameterInput{Name: "/app/s", Type: TypeString, Value: strings.Repeat("x", 4096)}, TierStandard},
		{"advanced", PutParameterInput{Name: "/app/a", Type: TypeString, Value: strings.Repeat("x", 8192), Tier: TierAdvanced}, TierAdvanced},
		{"intelligent small", PutParameterInput{Name: "/app/is", Type: TypeString, Value: "v", Tier: TierIntelligentTiering}, TierStandard},
		{"intelligent big", PutParameterInput{Name: "/app/ib", Type: TypeString, Value: strings.Repeat("x", 5000), Tier: TierIntelligentTiering}, TierAdvanced},
		{"pattern match", PutParameterInput{Name: "/app/n", Type: TypeString, Value: "123", AllowedPattern: `^\d+$`}, TierStandard},
		{"ami", PutParameterInput{Name: "/app/ami", Type: TypeString, Value: "ami-0123456789abcdef0", DataType: DataTypeEC2Image}, TierStandard},
		{"tags", PutParameterInput{Name: "/app/t", Type: TypeString, Value: "v", Tags: []Tag{{Key: "Env", Value: ""}}}, TierStandard},
		{"policies", PutParameterInput{Name: "/app/p", Type: TypeString, Value: "v", Tier: TierAdvanced, Policies: `[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01T00:00:00.000Z"}}]`}, TierAdvanced},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			out := e.put(seedCaller, &tt.in)
			if out.Version != 1 || out.Tier != tt.wantTier {
				t.Errorf("PutParameter = %+v, want version 1 tier %s", out, tt.wantTier)
			}
		})
	}
	e.t = t
	if p := e.get(seedCaller, "/app/trimmed", false); p.Name != "/app/trimmed" {
		t.Errorf("trimmed name stored as %q", p.Name)
	}
	d := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{
		ParameterFilters: []ParameterStringFilter{{Key: "Name", Values: []string{"/app/p"}}},
	})
	if len(d.Parameters) != 1 || len(d.Parameters[0].Policies) != 1 || d.Parameters[0].Policies[0].PolicyType != "Expiration" || d.Parameters[0].Policies[0].PolicyStatus != "Pending" {
		t.Errorf("policies = %+v", d.Parameters)
	}
}

func TestOverwrite(t *testing.T) {
	e := newEnv(t)
	e.put(seedCaller, &PutParameterInput{Name: "/app/conf", Type: TypeString, Value: "1", Description: "first", AllowedPattern: `^\d+$`})
	e.clk.Advance(time.Minute)
	out := e.put(seedCaller, &PutParameterInput{Name: "/app/conf", Value: "2", Overwrite: true})
	if out.Version != 2 || out.Tier != TierStandard {
		t.Fatalf("overwrite = %+v", out)
	}
	p := e.get(seedCaller, "/app/conf", false)
	if p.Type != TypeString || p.Value != "2" || p.Version != 2 || !p.LastModifiedDate.Equal(start.Add(time.Minute)) {
		t.Errorf("after overwrite: %+v", p)
	}
	// What the overwrite left out is kept: the description, and the pattern,
	// which still applies.
	fails(e, seedCaller, "PutParameter", &PutParameterInput{Name: "/app/conf", Value: "x", Overwrite: true}, "ParameterPatternMismatchException")
	d := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{})
	m := d.Parameters[0]
	if m.Description != "first" || m.AllowedPattern != `^\d+$` || m.Version != 2 || m.LastModifiedUser != "arn:aws:iam::123456789012:root" {
		t.Errorf("metadata = %+v", m)
	}
	// Advanced never goes back to Standard.
	e.put(seedCaller, &PutParameterInput{Name: "/app/conf", Value: "3", Overwrite: true, Tier: TierAdvanced})
	fails(e, seedCaller, "PutParameter", &PutParameterInput{Name: "/app/conf", Value: "4", Overwrite: true, Tier: TierStandard}, "ValidationException")
	if out := e.put(seedCaller, &PutParameterInput{Name: "/app/conf", Value: "4", Overwrite: true}); out.Tier != TierAdvanced {
		t.Errorf("tier after overwrite without Tier = %s", out.Tier)
	}
	// A type can change on overwrite.
	e.put(seedCaller, &PutParameterInput{Name: "/app/conf", Type: TypeStringList, Value: "5,6", AllowedPattern: `^[\d,]+$`, Overwrite: true})
	if p := e.get(seedCaller, "/app/conf", false); p.Type != TypeStringList || p.Version != 5 || p.Value != "5,6" {
		t.Errorf("after type change: %+v", p)
	}
}

func TestSelectors(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 3; i++ {
		e.put(seedCaller, &PutParameterInput{Name: "/app/db", Type: TypeString, Value: fmt.Sprintf("v%d", i), Overwrite: i > 1})
	}
	must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/db", ParameterVersion: i64(2), Labels: []string{"prod"}})
	arn := "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db"
	tests := []struct {
		name                string
		wantValue, wantSel  string
		wantVersion         int64
		wantCode, wantInMsg string
	}{
		{name: "/app/db", wantValue: "v3", wantVersion: 3},
		{name: "/app/db:1", wantValue: "v1", wantVersion: 1, wantSel: ":1"},
		{name: "/app/db:prod", wantValue: "v2", wantVersion: 2, wantSel: ":prod"},
		{name: arn, wantValue: "v3", wantVersion: 3},
		{name: arn + ":1", wantValue: "v1", wantVersion: 1, wantSel: ":1"},
		{name: arn + ":prod", wantValue: "v2", wantVersion: 2, wantSel: ":prod"},
		{name: "/app/db:4", wantCode: "ParameterVersionNotFound", wantInMsg: "could not find version 4 of /app/db"},
		{name: "/app/db:staging", wantCode: "ParameterVersionNotFound"},
		{name: "/app/missing", wantCode: "ParameterNotFound"},
		{name: "/app/missing:1", wantCode: "ParameterNotFound"},
		{name: "/app/db:", wantCode: "ValidationException"},
		{name: "/app/db:1:2", wantCode: "ValidationException"},
		{name: "/app/db:0", wantCode: "ValidationException"},
		{name: "app/db", wantCode: "ValidationException"},
		{name: "arn:aws:ssm:eu-west-1:999999999999:parameter/app/db", wantCode: "ParameterNotFound"},
		{name: "arn:aws:ssm:us-east-1:123456789012:parameter/app/db", wantCode: "ParameterNotFound"},
		{name: "arn:aws:s3:::bucket", wantCode: "ValidationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			in := &GetParameterInput{Name: tt.name}
			if tt.wantCode != "" {
				err := fails(e, seedCaller, "GetParameter", in, tt.wantCode)
				if !strings.Contains(err.Message, tt.wantInMsg) {
					t.Errorf("message %q lacks %q", err.Message, tt.wantInMsg)
				}
				return
			}
			p := must[GetParameterOutput](e, seedCaller, "GetParameter", in).Parameter
			if p.Name != "/app/db" || p.Value != tt.wantValue || p.Version != tt.wantVersion || p.Selector != tt.wantSel || p.ARN != arn {
				t.Errorf("got %+v", p)
			}
		})
	}
	e.t = t
	// GetParameters takes selectors too and reports the missing ones as asked.
	out := must[GetParametersOutput](e, seedCaller, "GetParameters", &GetParametersInput{Names: []string{"/app/db:1", "/app/db:9", "/app/db:prod", "/app/db:1"}})
	if len(out.Parameters) != 2 || out.Parameters[0].Value != "v1" || out.Parameters[1].Value != "v2" || !slices.Equal(out.InvalidParameters, []string{"/app/db:9"}) {
		t.Errorf("GetParameters = %+v", out)
	}
}

func TestARNOfNameWithoutSlash(t *testing.T) {
	e := newEnv(t)
	e.put(seedCaller, &PutParameterInput{Name: "plain", Type: TypeString, Value: "a"})
	e.put(seedCaller, &PutParameterInput{Name: "/rooted", Type: TypeString, Value: "b"})
	if p := e.get(seedCaller, "plain", false); p.ARN != "arn:aws:ssm:eu-west-1:123456789012:parameter/plain" {
		t.Errorf("ARN = %s", p.ARN)
	}
	if p := e.get(seedCaller, "arn:aws:ssm:eu-west-1:123456789012:parameter/plain", false); p.Name != "plain" {
		t.Errorf("by ARN: %+v", p)
	}
	if p := e.get(seedCaller, "arn:aws:ssm:eu-west-1:123456789012:parameter/rooted", false); p.Name != "/rooted" {
		t.Errorf("by ARN: %+v", p)
	}
}

func TestLabels(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 3; i++ {
		e.put(seedCaller, &PutParameterInput{Name: "/app/db", Type: TypeString, Value: fmt.Sprintf("v%d", i), Overwrite: i > 1})
	}
	label := func(v *int64, labels ...string) *LabelParameterVersionOutput {
		t.Helper()
		return must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/db", ParameterVersion: v, Labels: labels})
	}
	historyLabels := func() map[int64][]string {
		t.Helper()
		h := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/db"})
		out := map[int64][]string{}
		for _, p := range h.Parameters {
			if len(p.Labels) > 0 {
				out[p.Version] = p.Labels
			}
		}
		return out
	}

	out := label(i64(1), "prod", "blue")
	if out.ParameterVersion != 1 || len(out.InvalidLabels) != 0 {
		t.Errorf("label v1 = %+v", out)
	}
	// Without a version the latest gets the label; "prod" moves from v1 to v3.
	out = label(nil, "prod")
	if out.ParameterVersion != 3 {
		t.Errorf("label latest = %+v", out)
	}
	if got, want := historyLabels(), map[int64][]string{1: {"blue"}, 3: {"prod"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels = %v, want %v", got, want)
	}

	// Invalid labels are reported, valid ones in the same call still attach.
	out = label(i64(2), "aws-x", "SSMy", "1abc", "has space", strings.Repeat("a", 101), "ok.label_1-x")
	if !slices.Equal(out.InvalidLabels, []string{"aws-x", "SSMy", "1abc", "has space", strings.Repeat("a", 101)}) {
		t.Errorf("InvalidLabels = %v", out.InvalidLabels)
	}
	if got := historyLabels()[2]; !slices.Equal(got, []string{"ok.label_1-x"}) {
		t.Errorf("v2 labels = %v", got)
	}

	// Ten labels per version; the eleventh fails and attaches nothing.
	var ten []string
	for i := range 9 {
		ten = append(ten, fmt.Sprintf("l%d", i))
	}
	label(i64(2), ten...) // now 10 on v2
	before := historyLabels()
	fails(e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/db", ParameterVersion: i64(2), Labels: []string{"eleventh"}}, "ParameterVersionLabelLimitExceeded")
	if after := historyLabels(); !reflect.DeepEqual(before, after) {
		t.Errorf("failed label changed labels: %v → %v", before, after)
	}
	// Re-applying labels a version has already is not a new label.
	label(i64(2), "l0", "l1")

	fails(e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/db", ParameterVersion: i64(7), Labels: []string{"x"}}, "ParameterVersionNotFound")
	fails(e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/nope", Labels: []string{"x"}}, "ParameterNotFound")
	fails(e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/db"}, "ValidationException")

	un := must[UnlabelParameterVersionOutput](e, seedCaller, "UnlabelParameterVersion", &UnlabelParameterVersionInput{Name: "/app/db", ParameterVersion: i64(3), Labels: []string{"prod", "blue", "never"}})
	if !slices.Equal(un.RemovedLabels, []string{"prod"}) || !slices.Equal(un.InvalidLabels, []string{"blue", "never"}) {
		t.Errorf("Unlabel = %+v", un)
	}
	fails(e, seedCaller, "GetParameter", &GetParameterInput{Name: "/app/db:prod"}, "ParameterVersionNotFound")
	fails(e, seedCaller, "UnlabelParameterVersion", &UnlabelParameterVersionInput{Name: "/app/db", ParameterVersion: i64(9), Labels: []string{"blue"}}, "ParameterVersionNotFound")
	fails(e, seedCaller, "UnlabelParameterVersion", &UnlabelParameterVersionInput{Name: "/app/nope", ParameterVersion: i64(1), Labels: []string{"blue"}}, "ParameterNotFound")
	fails(e, seedCaller, "UnlabelParameterVersion", &UnlabelParameterVersionInput{Name: "/app/db", Labels: []string{"blue"}}, "ValidationException")
}

func TestHistory(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 5; i++ {
		e.put(seedCaller, &PutParameterInput{Name: "/app/h", Type: TypeString, Value: fmt.Sprintf("v%d", i), Overwrite: i > 1, Description: fmt.Sprintf("d%d", i)})
		e.clk.Advance(time.Second)
	}
	label := &LabelParameterVersionInput{Name: "/app/h", ParameterVersion: i64(4), Labels: []string{"b", "a"}}
	must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", label)

	var got []ParameterHistory
	token, pages := "", 0
	for {
		out := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/h", MaxResults: i32(2), NextToken: token})
		got = append(got, out.Parameters...)
		pages++
		if out.NextToken == "" {
			break
		}
		token = out.NextToken
	}
	if pages != 3 || len(got) != 5 {
		t.Fatalf("%d versions in %d pages, want 5 in 3", len(got), pages)
	}
	for i, h := range got {
		v := int64(i + 1)
		if h.Version != v || h.Value != fmt.Sprintf("v%d", v) || h.Description != fmt.Sprintf("d%d", v) || !h.LastModifiedDate.Equal(start.Add(time.Duration(i)*time.Second)) || h.Name != "/app/h" {
			t.Errorf("version %d = %+v", v, h)
		}
		wantLabels := []string{}
		if v == 4 {
			wantLabels = []string{"a", "b"}
		}
		if !slices.Equal(h.Labels, wantLabels) {
			t.Errorf("version %d labels = %v, want %v", v, h.Labels, wantLabels)
		}
	}
	fails(e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/h", NextToken: "not-a-token"}, "InvalidNextToken")
	fails(e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/h", MaxResults: i32(51)}, "ValidationException")
	fails(e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/none"}, "ParameterNotFound")
	fails(e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/h:1"}, "ValidationException")
	// A token is bound to its parameter.
	e.put(seedCaller, &PutParameterInput{Name: "/app/other", Type: TypeString, Value: "x"})
	first := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/h", MaxResults: i32(1)})
	fails(e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/other", NextToken: first.NextToken}, "InvalidNextToken")
}

func TestVersionLimit(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= maxVersions; i++ {
		e.put(seedCaller, &PutParameterInput{Name: "/app/v", Type: TypeString, Value: fmt.Sprint(i), Overwrite: i > 1})
	}
	// Version 1 is labelled: the 101st version may not push it out.
	must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/v", ParameterVersion: i64(1), Labels: []string{"first"}})
	err := fails(e, seedCaller, "PutParameter", &PutParameterInput{Name: "/app/v", Value: "101", Overwrite: true}, "ParameterMaxVersionLimitExceeded")
	if !strings.Contains(err.Message, "Version 1, the oldest version") {
		t.Errorf("message = %s", err.Message)
	}
	if p := e.get(seedCaller, "/app/v", false); p.Version != 100 {
		t.Errorf("failed put left version %d", p.Version)
	}
	// Moving the label away lets the oldest go.
	must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/v", ParameterVersion: i64(50), Labels: []string{"first"}})
	if out := e.put(seedCaller, &PutParameterInput{Name: "/app/v", Value: "101", Overwrite: true}); out.Version != 101 {
		t.Errorf("101st put = %+v", out)
	}
	fails(e, seedCaller, "GetParameter", &GetParameterInput{Name: "/app/v:1"}, "ParameterVersionNotFound")
	if p := e.get(seedCaller, "/app/v:2", false); p.Value != "2" {
		t.Errorf("v2 = %+v", p)
	}
	var n int
	token := ""
	for {
		out := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/v", NextToken: token})
		n += len(out.Parameters)
		if token = out.NextToken; token == "" {
			break
		}
	}
	if n != maxVersions {
		t.Errorf("history has %d versions, want %d", n, maxVersions)
	}
}

func TestSecureString(t *testing.T) {
	e := newEnv(t)
	const secret = "hunter2, the WordPress DB password"
	e.put(seedCaller, &PutParameterInput{Name: "/app/secret", Type: TypeSecureString, Value: secret})
	e.put(seedCaller, &PutParameterInput{Name: "/app/custom", Type: TypeSecureString, Value: secret, KeyID: "alias/my-key"})

	sealed := e.get(seedCaller, "/app/secret", false)
	if sealed.Value == secret || strings.Contains(sealed.Value, "hunter2") {
		t.Fatalf("undecrypted value %q shows the plaintext", sealed.Value)
	}
	if raw, err := base64.StdEncoding.DecodeString(sealed.Value); err != nil || len(raw) <= len(secret) {
		t.Errorf("ciphertext %q is not base64 of nonce+ciphertext: %v", sealed.Value, err)
	}
	if other := e.get(seedCaller, "/app/custom", false); other.Value == sealed.Value {
		t.Error("two parameters sealed to the same ciphertext")
	}
	if again := e.get(seedCaller, "/app/secret", false); again.Value != sealed.Value {
		t.Error("the sealed value changes between reads")
	}
	for _, name := range []string{"/app/secret", "/app/custom"} {
		if p := e.get(seedCaller, name, true); p.Value != secret || p.Type != TypeSecureString {
			t.Errorf("%s decrypted = %+v", name, p)
		}
	}

	// Overwrite without Type or KeyId keeps both.
	e.put(seedCaller, &PutParameterInput{Name: "/app/custom", Value: "second", Overwrite: true})
	d := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{
		ParameterFilters: []ParameterStringFilter{{Key: "Type", Values: []string{TypeSecureString}}},
	})
	keys := map[string]string{}
	for _, m := range d.Parameters {
		keys[m.Name] = m.KeyID
	}
	if want := map[string]string{"/app/secret": DefaultKeyID, "/app/custom": "alias/my-key"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("KeyIds = %v, want %v", keys, want)
	}

	// Every read path decrypts on request.
	ps := must[GetParametersOutput](e, seedCaller, "GetParameters", &GetParametersInput{Names: []string{"/app/secret", "/app/custom:1"}, WithDecryption: true})
	if ps.Parameters[0].Value != secret || ps.Parameters[1].Value != secret {
		t.Errorf("GetParameters decrypted = %+v", ps.Parameters)
	}
	bp := must[GetParametersByPathOutput](e, seedCaller, "GetParametersByPath", &GetParametersByPathInput{Path: "/app", WithDecryption: true})
	for _, p := range bp.Parameters {
		if want := map[string]string{"/app/secret": secret, "/app/custom": "second"}[p.Name]; p.Value != want {
			t.Errorf("by path %s = %q, want %q", p.Name, p.Value, want)
		}
	}
	h := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/custom", WithDecryption: true})
	if h.Parameters[0].Value != secret || h.Parameters[1].Value != "second" || h.Parameters[0].KeyID != "alias/my-key" {
		t.Errorf("history decrypted = %+v", h.Parameters)
	}
	hs := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/custom"})
	if hs.Parameters[1].Value == "second" {
		t.Error("history without decryption shows the plaintext")
	}

	// WithDecryption is ignored for plain strings.
	e.put(seedCaller, &PutParameterInput{Name: "/app/plain", Type: TypeString, Value: "open"})
	if p := e.get(seedCaller, "/app/plain", true); p.Value != "open" {
		t.Errorf("plain with decryption = %q", p.Value)
	}
}

func TestGetParametersByPath(t *testing.T) {
	e := newEnv(t)
	names := []string{"/a/x", "/a/y", "/a/b/z", "/a/b/c/w", "/ab/q", "/top", "plain"}
	for _, n := range names {
		typ := TypeString
		if strings.HasSuffix(n, "y") || strings.HasSuffix(n, "z") {
			typ = TypeSecureString
		}
		e.put(seedCaller, &PutParameterInput{Name: n, Type: typ, Value: "v-" + n})
	}
	e.put(seedCaller, &PutParameterInput{Name: "/a/x", Value: "v2", Overwrite: true})
	must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/a/x", ParameterVersion: i64(1), Labels: []string{"old"}})

	byPath := func(in GetParametersByPathInput) []string {
		t.Helper()
		var got []string
		for {
			out := must[GetParametersByPathOutput](e, seedCaller, "GetParametersByPath", &in)
			for _, p := range out.Parameters {
				got = append(got, p.Name)
			}
			if out.NextToken == "" {
				return got
			}
			in.NextToken = out.NextToken
		}
	}
	tests := []struct {
		name string
		in   GetParametersByPathInput
		want []string
	}{
		{"direct children", GetParametersByPathInput{Path: "/a"}, []string{"/a/x", "/a/y"}},
		{"trailing slash", GetParametersByPathInput{Path: "/a/"}, []string{"/a/x", "/a/y"}},
		{"recursive", GetParametersByPathInput{Path: "/a", Recursive: true}, []string{"/a/b/c/w", "/a/b/z", "/a/x", "/a/y"}},
		{"recursive one a page", GetParametersByPathInput{Path: "/a", Recursive: true, MaxResults: i32(1)}, []string{"/a/b/c/w", "/a/b/z", "/a/x", "/a/y"}},
		{"children one a page", GetParametersByPathInput{Path: "/a", MaxResults: i32(1)}, []string{"/a/x", "/a/y"}},
		{"root", GetParametersByPathInput{Path: "/"}, []string{"/top", "plain"}},
		{"root recursive", GetParametersByPathInput{Path: "/", Recursive: true, MaxResults: i32(3)}, []string{"/a/b/c/w", "/a/b/z", "/a/x", "/a/y", "/ab/q", "/top", "plain"}},
		{"a parameter is not its own path", GetParametersByPathInput{Path: "/top"}, nil},
		{"type filter", GetParametersByPathInput{Path: "/a", Recursive: true, ParameterFilters: []ParameterStringFilter{{Key: "Type", Values: []string{TypeSecureString}}}}, []string{"/a/b/z", "/a/y"}},
		{"key filter", GetParametersByPathInput{Path: "/a", Recursive: true, ParameterFilters: []ParameterStringFilter{{Key: "KeyId", Values: []string{DefaultKeyID}}}}, []string{"/a/b/z", "/a/y"}},
		{"type begins with", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Type", Option: "BeginsWith", Values: []string{"Str"}}}}, []string{"/a/x"}},
		{"label filter", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Label", Values: []string{"old"}}}}, []string{"/a/x"}},
		{"unknown path", GetParametersByPathInput{Path: "/nothing/here"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			if got := byPath(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	e.t = t

	// The Label filter returns the labelled version; values stay sealed
	// unless decryption is asked for.
	out := must[GetParametersByPathOutput](e, seedCaller, "GetParametersByPath", &GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Label", Values: []string{"old"}}}})
	if p := out.Parameters[0]; p.Version != 1 || p.Value != "v-/a/x" {
		t.Errorf("labelled = %+v", p)
	}
	out = must[GetParametersByPathOutput](e, seedCaller, "GetParametersByPath", &GetParametersByPathInput{Path: "/a"})
	if out.Parameters[1].Value == "v-/a/y" {
		t.Error("SecureString listed in plaintext without WithDecryption")
	}
	// A page of one carries a token; the last page carries none.
	first := must[GetParametersByPathOutput](e, seedCaller, "GetParametersByPath", &GetParametersByPathInput{Path: "/a", MaxResults: i32(2)})
	if len(first.Parameters) != 2 || first.NextToken != "" {
		t.Errorf("exact page = %d parameters, token %q", len(first.Parameters), first.NextToken)
	}

	errs := []struct {
		name string
		in   GetParametersByPathInput
		code string
	}{
		{"no leading slash", GetParametersByPathInput{Path: "a/b"}, "ValidationException"},
		{"bad characters", GetParametersByPathInput{Path: "/a b"}, "ValidationException"},
		{"max results", GetParametersByPathInput{Path: "/a", MaxResults: i32(11)}, "ValidationException"},
		{"name filter", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Name", Values: []string{"/a/x"}}}}, "InvalidFilterKey"},
		{"tag filter", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "tag:Env"}}}, "InvalidFilterKey"},
		{"bad key", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Colour", Values: []string{"x"}}}}, "ValidationException"},
		{"bad option", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Type", Option: "Contains", Values: []string{"String"}}}}, "InvalidFilterOption"},
		{"label option", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Label", Option: "BeginsWith", Values: []string{"o"}}}}, "InvalidFilterOption"},
		{"bad type value", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Type", Values: []string{"Number"}}}}, "InvalidFilterValue"},
		{"no values", GetParametersByPathInput{Path: "/a", ParameterFilters: []ParameterStringFilter{{Key: "Type"}}}, "InvalidFilterValue"},
		{"garbage token", GetParametersByPathInput{Path: "/a", NextToken: "%%%"}, "InvalidNextToken"},
		{"token of another path", GetParametersByPathInput{Path: "/ab", NextToken: tokenFor(e, "/a")}, "InvalidNextToken"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			fails(e, seedCaller, "GetParametersByPath", &tt.in, tt.code)
		})
	}
}

func tokenFor(e *env, path string) string {
	e.t.Helper()
	out := must[GetParametersByPathOutput](e, seedCaller, "GetParametersByPath", &GetParametersByPathInput{Path: path, MaxResults: i32(1)})
	if out.NextToken == "" {
		e.t.Fatalf("no token for %s", path)
	}
	return out.NextToken
}

func TestDescribeParameters(t *testing.T) {
	e := newEnv(t)
	e.put(seedCaller, &PutParameterInput{Name: "/prod/db/url", Type: TypeString, Value: "u", Tags: []Tag{{Key: "Env", Value: "prod"}}})
	e.put(seedCaller, &PutParameterInput{Name: "/prod/db/pass", Type: TypeSecureString, Value: "p", KeyID: "alias/db", Tags: []Tag{{Key: "Env", Value: "prod"}}})
	e.put(seedCaller, &PutParameterInput{Name: "/prod/api", Type: TypeStringList, Value: "a,b", Tier: TierAdvanced})
	e.put(seedCaller, &PutParameterInput{Name: "/dev/db/url", Type: TypeString, Value: "u", Tags: []Tag{{Key: "Env", Value: "dev"}}})
	e.put(seedCaller, &PutParameterInput{Name: "/dev/ami", Type: TypeString, Value: "ami-0123456789abcdef0", DataType: DataTypeEC2Image})
	e.put(seedCaller, &PutParameterInput{Name: "plain", Type: TypeString, Value: "x"})

	describe := func(in DescribeParametersInput) []string {
		t.Helper()
		var got []string
		for {
			out := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &in)
			for _, p := range out.Parameters {
				got = append(got, p.Name)
			}
			if out.NextToken == "" {
				return got
			}
			in.NextToken = out.NextToken
		}
	}
	f := func(key, option string, values ...string) []ParameterStringFilter {
		return []ParameterStringFilter{{Key: key, Option: option, Values: values}}
	}
	all := []string{"/dev/ami", "/dev/db/url", "/prod/api", "/prod/db/pass", "/prod/db/url", "plain"}
	tests := []struct {
		name string
		in   DescribeParametersInput
		want []string
	}{
		{"all", DescribeParametersInput{}, all},
		{"all in pages of two", DescribeParametersInput{MaxResults: i32(2)}, all},
		{"name equals", DescribeParametersInput{ParameterFilters: f("Name", "", "/prod/api")}, []string{"/prod/api"}},
		{"name equals without slash", DescribeParametersInput{ParameterFilters: f("Name", "Equals", "prod/api")}, []string{"/prod/api"}},
		{"name begins with", DescribeParametersInput{ParameterFilters: f("Name", "BeginsWith", "/prod/db")}, []string{"/prod/db/pass", "/prod/db/url"}},
		{"name contains", DescribeParametersInput{ParameterFilters: f("Name", "Contains", "db")}, []string{"/dev/db/url", "/prod/db/pass", "/prod/db/url"}},
		{"type", DescribeParametersInput{ParameterFilters: f("Type", "Equals", TypeStringList)}, []string{"/prod/api"}},
		{"key id", DescribeParametersInput{ParameterFilters: f("KeyId", "", "alias/db")}, []string{"/prod/db/pass"}},
		{"path one level", DescribeParametersInput{ParameterFilters: f("Path", "", "/prod")}, []string{"/prod/api"}},
		{"path recursive", DescribeParametersInput{ParameterFilters: f("Path", "Recursive", "/prod")}, []string{"/prod/api", "/prod/db/pass", "/prod/db/url"}},
		{"path root", DescribeParametersInput{ParameterFilters: f("Path", "OneLevel", "/")}, []string{"plain"}},
		{"tier", DescribeParametersInput{ParameterFilters: f("Tier", "", TierAdvanced)}, []string{"/prod/api"}},
		{"data type", DescribeParametersInput{ParameterFilters: f("DataType", "", DataTypeEC2Image)}, []string{"/dev/ami"}},
		{"tag value", DescribeParametersInput{ParameterFilters: f("tag:Env", "", "prod")}, []string{"/prod/db/pass", "/prod/db/url"}},
		{"tag key only", DescribeParametersInput{ParameterFilters: []ParameterStringFilter{{Key: "tag:Env"}}}, []string{"/dev/db/url", "/prod/db/pass", "/prod/db/url"}},
		{"two filters", DescribeParametersInput{ParameterFilters: append(f("Path", "Recursive", "/prod"), ParameterStringFilter{Key: "Type", Values: []string{TypeString}})}, []string{"/prod/db/url"}},
		{"deprecated name", DescribeParametersInput{Filters: []ParametersFilter{{Key: "Name", Values: []string{"/dev"}}}}, []string{"/dev/ami", "/dev/db/url"}},
		{"deprecated type", DescribeParametersInput{Filters: []ParametersFilter{{Key: "Type", Values: []string{TypeSecureString}}}}, []string{"/prod/db/pass"}},
		{"shared", DescribeParametersInput{Shared: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			if got := describe(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	e.t = t

	out := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{ParameterFilters: f("Name", "", "/prod/db/pass")})
	want := ParameterMetadata{
		Name: "/prod/db/pass", ARN: "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/pass", Type: TypeSecureString,
		KeyID: "alias/db", LastModifiedDate: &start, LastModifiedUser: "arn:aws:iam::123456789012:root",
		Version: 1, Tier: TierStandard, Policies: []ParameterInlinePolicy{}, DataType: DataTypeText,
	}
	if !reflect.DeepEqual(out.Parameters[0], want) {
		t.Errorf("metadata = %+v\nwant %+v", out.Parameters[0], want)
	}

	errs := []struct {
		name string
		in   DescribeParametersInput
		code string
	}{
		{"both filter kinds", DescribeParametersInput{Filters: []ParametersFilter{{Key: "Name", Values: []string{"/a"}}}, ParameterFilters: f("Type", "", TypeString)}, "ValidationException"},
		{"label", DescribeParametersInput{ParameterFilters: f("Label", "", "prod")}, "InvalidFilterKey"},
		{"duplicate", DescribeParametersInput{ParameterFilters: append(f("Type", "", TypeString), f("Type", "", TypeSecureString)...)}, "InvalidFilterKey"},
		{"bad key", DescribeParametersInput{ParameterFilters: f("Owner", "", "me")}, "ValidationException"},
		{"bad deprecated key", DescribeParametersInput{Filters: []ParametersFilter{{Key: "Path", Values: []string{"/a"}}}}, "ValidationException"},
		{"no values", DescribeParametersInput{ParameterFilters: []ParameterStringFilter{{Key: "Name"}}}, "InvalidFilterValue"},
		{"bad tier", DescribeParametersInput{ParameterFilters: f("Tier", "", "Gold")}, "InvalidFilterValue"},
		{"bad option", DescribeParametersInput{ParameterFilters: f("Type", "Contains", "S")}, "InvalidFilterOption"},
		{"bad path option", DescribeParametersInput{ParameterFilters: f("Path", "Equals", "/prod")}, "InvalidFilterOption"},
		{"bad path value", DescribeParametersInput{ParameterFilters: f("Path", "", "prod")}, "ValidationException"},
		{"option too long", DescribeParametersInput{ParameterFilters: f("Name", "BeginsWithX", "p")}, "ValidationException"},
		{"max results", DescribeParametersInput{MaxResults: i32(0)}, "ValidationException"},
		{"bad token", DescribeParametersInput{NextToken: base64.RawURLEncoding.EncodeToString([]byte(`{"o":"DescribeParameters","a":"other/"}`))}, "InvalidNextToken"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			fails(e, seedCaller, "DescribeParameters", &tt.in, tt.code)
		})
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t)
	putSeed(e)
	e.put(seedCaller, &PutParameterInput{Name: seedBucketParam, Value: "v2", Overwrite: true})
	must[DeleteParameterOutput](e, seedCaller, "DeleteParameter", &DeleteParameterInput{Name: seedBucketParam})
	fails(e, seedCaller, "GetParameter", &GetParameterInput{Name: seedBucketParam}, "ParameterNotFound")
	fails(e, seedCaller, "DeleteParameter", &DeleteParameterInput{Name: seedBucketParam}, "ParameterNotFound")
	fails(e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: seedBucketParam}, "ParameterNotFound")
	fails(e, seedCaller, "DeleteParameter", &DeleteParameterInput{Name: "bad name"}, "ValidationException")

	// A parameter made again after deletion starts from version 1.
	if out := e.put(seedCaller, &PutParameterInput{Name: seedBucketParam, Type: TypeString, Value: "again"}); out.Version != 1 {
		t.Errorf("recreated at version %d", out.Version)
	}
	h := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: seedBucketParam})
	if len(h.Parameters) != 1 {
		t.Errorf("recreated history = %+v", h.Parameters)
	}

	out := must[DeleteParametersOutput](e, seedCaller, "DeleteParameters", &DeleteParametersInput{Names: []string{seedTopicParam, "/nope", seedEndpointsParam, "bad name"}})
	if !slices.Equal(out.DeletedParameters, []string{seedTopicParam, seedEndpointsParam}) || !slices.Equal(out.InvalidParameters, []string{"/nope", "bad name"}) {
		t.Errorf("DeleteParameters = %+v", out)
	}
	fails(e, seedCaller, "DeleteParameters", &DeleteParametersInput{Names: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}, "ValidationException")
	fails(e, seedCaller, "DeleteParameters", &DeleteParametersInput{}, "ValidationException")
	fails(e, seedCaller, "GetParameters", &GetParametersInput{Names: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}, "ValidationException")
	d := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{})
	if len(d.Parameters) != 1 || d.Parameters[0].Name != seedBucketParam {
		t.Errorf("left = %+v", d.Parameters)
	}
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	e.put(seedCaller, &PutParameterInput{Name: "/app/t", Type: TypeString, Value: "v", Tags: []Tag{{Key: "Env", Value: "dev"}, {Key: "Team", Value: "data"}}})
	list := func() []Tag {
		t.Helper()
		return must[ListTagsForResourceOutput](e, seedCaller, "ListTagsForResource", &ListTagsForResourceInput{ResourceType: "Parameter", ResourceID: "/app/t"}).TagList
	}
	if got := list(); !reflect.DeepEqual(got, []Tag{{Key: "Env", Value: "dev"}, {Key: "Team", Value: "data"}}) {
		t.Errorf("tags = %v", got)
	}
	must[AddTagsToResourceOutput](e, seedCaller, "AddTagsToResource", &AddTagsToResourceInput{ResourceType: "Parameter", ResourceID: "/app/t", Tags: []Tag{{Key: "Env", Value: "prod"}, {Key: "Cost Centre", Value: "42"}}})
	if got := list(); !reflect.DeepEqual(got, []Tag{{Key: "Env", Value: "prod"}, {Key: "Team", Value: "data"}, {Key: "Cost Centre", Value: "42"}}) {
		t.Errorf("tags after add = %v", got)
	}
	must[RemoveTagsFromResourceOutput](e, seedCaller, "RemoveTagsFromResource", &RemoveTagsFromResourceInput{ResourceType: "Parameter", ResourceID: "/app/t", TagKeys: []string{"Team", "Absent"}})
	if got := list(); !reflect.DeepEqual(got, []Tag{{Key: "Env", Value: "prod"}, {Key: "Cost Centre", Value: "42"}}) {
		t.Errorf("tags after remove = %v", got)
	}
	// Tagging is not a new version.
	if p := e.get(seedCaller, "/app/t", false); p.Version != 1 {
		t.Errorf("version after tagging = %d", p.Version)
	}

	var many []Tag
	for i := range 49 {
		many = append(many, Tag{Key: fmt.Sprintf("k%d", i), Value: "v"})
	}
	fails(e, seedCaller, "AddTagsToResource", &AddTagsToResourceInput{ResourceType: "Parameter", ResourceID: "/app/t", Tags: many}, "TooManyTagsError")
	if got := list(); len(got) != 2 {
		t.Errorf("failed add changed tags: %v", got)
	}
	fails(e, seedCaller, "AddTagsToResource", &AddTagsToResourceInput{ResourceType: "Parameter", ResourceID: "/app/none", Tags: []Tag{{Key: "a", Value: "b"}}}, "InvalidResourceId")
	fails(e, seedCaller, "AddTagsToResource", &AddTagsToResourceInput{ResourceType: "Parameter", ResourceID: "/app/t", Tags: []Tag{{Key: "a", Value: "b*"}}}, "ValidationException")
	fails(e, seedCaller, "AddTagsToResource", &AddTagsToResourceInput{ResourceType: "Parameter", ResourceID: "/app/t"}, "ValidationException")
	fails(e, seedCaller, "AddTagsToResource", &AddTagsToResourceInput{ResourceType: "Bucket", ResourceID: "/app/t", Tags: []Tag{{Key: "a", Value: "b"}}}, "ValidationException")
	fails(e, seedCaller, "ListTagsForResource", &ListTagsForResourceInput{ResourceType: "Document", ResourceID: "/app/t"}, "InvalidResourceId")
	fails(e, seedCaller, "ListTagsForResource", &ListTagsForResourceInput{ResourceType: "Parameter", ResourceID: "/app/none"}, "InvalidResourceId")
	fails(e, seedCaller, "RemoveTagsFromResource", &RemoveTagsFromResourceInput{ResourceType: "Parameter", ResourceID: "/app/none", TagKeys: []string{"a"}}, "InvalidResourceId")
	fails(e, otherAcct, "ListTagsForResource", &ListTagsForResourceInput{ResourceType: "Parameter", ResourceID: "/app/t"}, "InvalidResourceId")
}

func TestIsolation(t *testing.T) {
	e := newEnv(t)
	scopes := []struct {
		caller  dispatch.Caller
		value   string
		wantARN string
	}{
		{seedCaller, "eu", "arn:aws:ssm:eu-west-1:123456789012:parameter/s3/lakehouse/name/raw"},
		{otherRegion, "us", "arn:aws:ssm:us-east-2:123456789012:parameter/s3/lakehouse/name/raw"},
		{otherAcct, "other", "arn:aws:ssm:eu-west-1:210987654321:parameter/s3/lakehouse/name/raw"},
		{dispatch.Caller{}, "default", "arn:aws:ssm:us-east-1:000000000000:parameter/s3/lakehouse/name/raw"},
		{dispatch.Caller{AccountID: "123456789012", Region: "cn-north-1"}, "china", "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/s3/lakehouse/name/raw"},
	}
	// The same name in each scope is a different parameter, secret included.
	for _, sc := range scopes {
		if out := e.put(sc.caller, &PutParameterInput{Name: seedBucketParam, Type: TypeSecureString, Value: sc.value}); out.Version != 1 {
			t.Errorf("%+v: version %d", sc.caller, out.Version)
		}
	}
	for _, sc := range scopes {
		p := e.get(sc.caller, seedBucketParam, true)
		if p.Value != sc.value || p.ARN != sc.wantARN {
			t.Errorf("%+v: got %q %s", sc.caller, p.Value, p.ARN)
		}
		d := must[DescribeParametersOutput](e, sc.caller, "DescribeParameters", &DescribeParametersInput{})
		if len(d.Parameters) != 1 {
			t.Errorf("%+v sees %d parameters", sc.caller, len(d.Parameters))
		}
	}
	must[DeleteParameterOutput](e, otherAcct, "DeleteParameter", &DeleteParameterInput{Name: seedBucketParam})
	fails(e, otherAcct, "GetParameter", &GetParameterInput{Name: seedBucketParam}, "ParameterNotFound")
	if p := e.get(seedCaller, seedBucketParam, true); p.Value != "eu" {
		t.Errorf("delete in another account removed ours: %+v", p)
	}
	// Another account's ARN is not readable (no sharing).
	fails(e, otherAcct, "GetParameter", &GetParameterInput{Name: scopes[0].wantARN}, "ParameterNotFound")
	// A token from one account is not valid in another.
	e.put(seedCaller, &PutParameterInput{Name: "/s3/lakehouse/name/bronze", Type: TypeString, Value: "b"})
	tok := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{MaxResults: i32(1)}).NextToken
	fails(e, otherRegion, "DescribeParameters", &DescribeParametersInput{NextToken: tok}, "InvalidNextToken")
}

// snapshot is everything the read operations say about the caller's
// parameters, decrypted, to compare before and after a failed request.
func snapshot(e *env) string {
	e.t.Helper()
	var b strings.Builder
	d := must[DescribeParametersOutput](e, seedCaller, "DescribeParameters", &DescribeParametersInput{})
	for _, m := range d.Parameters {
		fmt.Fprintf(&b, "%+v\n", m)
		h := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: m.Name, WithDecryption: true})
		for _, v := range h.Parameters {
			v.LastModifiedDate = nil // pointers differ between calls
			fmt.Fprintf(&b, "  %+v\n", v)
		}
		tags := must[ListTagsForResourceOutput](e, seedCaller, "ListTagsForResource", &ListTagsForResourceInput{ResourceType: "Parameter", ResourceID: m.Name})
		fmt.Fprintf(&b, "  tags %v\n", tags.TagList)
	}
	return b.String()
}

func TestFailedRequestChangesNothing(t *testing.T) {
	e := newEnv(t)
	putSeed(e)
	e.put(seedCaller, &PutParameterInput{Name: "/app/n", Type: TypeString, Value: "1", AllowedPattern: `^\d+$`, Tags: []Tag{{Key: "k", Value: "v"}}})
	e.put(seedCaller, &PutParameterInput{Name: "/app/s", Type: TypeSecureString, Value: "secret"})
	var ten []string
	for i := range 10 {
		ten = append(ten, fmt.Sprintf("l%d", i))
	}
	must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/n", Labels: ten})
	before := snapshot(e)
	e.clk.Advance(time.Hour)

	failing := []struct {
		op   string
		in   any
		code string
	}{
		{"PutParameter", &PutParameterInput{Name: "/app/n", Value: "x", Overwrite: true}, "ParameterPatternMismatchException"},
		{"PutParameter", &PutParameterInput{Name: "/app/n", Value: "2", Overwrite: true, Tier: TierAdvanced, KeyID: "alias/k"}, "InvalidKeyId"},
		{"PutParameter", &PutParameterInput{Name: "/app/s", Value: strings.Repeat("x", 5000), Overwrite: true}, "ValidationException"},
		{"PutParameter", &PutParameterInput{Name: seedBucketParam, Type: TypeString, Value: "other"}, "ParameterAlreadyExists"},
		{"PutParameter", &PutParameterInput{Name: "/app/new", Value: "no type"}, "ValidationException"},
		{"LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/n", Labels: []string{"l10"}}, "ParameterVersionLabelLimitExceeded"},
		{"LabelParameterVersion", &LabelParameterVersionInput{Name: "/app/n", ParameterVersion: i64(2), Labels: []string{"x"}}, "ParameterVersionNotFound"},
		{"UnlabelParameterVersion", &UnlabelParameterVersionInput{Name: "/app/n", ParameterVersion: i64(3), Labels: []string{"l1"}}, "ParameterVersionNotFound"},
		{"DeleteParameter", &DeleteParameterInput{Name: "/app/none"}, "ParameterNotFound"},
		{"AddTagsToResource", &AddTagsToResourceInput{ResourceType: "Parameter", ResourceID: "/app/n", Tags: []Tag{{Key: "ok", Value: "v"}, {Key: "bad*", Value: "v"}}}, "ValidationException"},
	}
	for _, f := range failing {
		fails(e, seedCaller, f.op, f.in, f.code)
	}
	if after := snapshot(e); after != before {
		t.Errorf("state changed by failed requests:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestStateSurvivesReopen(t *testing.T) {
	e := newEnv(t)
	putSeed(e)
	e.put(seedCaller, &PutParameterInput{Name: "/wordpress/db/password", Type: TypeSecureString, Value: "s3cret", Tags: []Tag{{Key: "App", Value: "wordpress"}}})
	e.put(seedCaller, &PutParameterInput{Name: seedEndpointsParam, Value: seedEndpoints + ",https://amazonwebshark.com/wp-json/wp/v2/users", Overwrite: true})
	must[LabelParameterVersionOutput](e, seedCaller, "LabelParameterVersion", &LabelParameterVersionInput{Name: seedEndpointsParam, ParameterVersion: i64(1), Labels: []string{"stable"}})
	sealed := e.get(seedCaller, "/wordpress/db/password", false).Value
	before := snapshot(e)

	e.reopen()

	if after := snapshot(e); after != before {
		t.Errorf("state changed across reopen:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if p := e.get(seedCaller, "/wordpress/db/password", true); p.Value != "s3cret" {
		t.Errorf("secret after reopen = %q", p.Value)
	}
	if p := e.get(seedCaller, "/wordpress/db/password", false); p.Value != sealed {
		t.Errorf("sealed value changed across reopen")
	}
	if p := e.get(seedCaller, seedEndpointsParam+":stable", false); p.Value != seedEndpoints || p.Version != 1 {
		t.Errorf("label after reopen = %+v", p)
	}
	// The data key persisted too: new secrets under it still round-trip.
	e.put(seedCaller, &PutParameterInput{Name: "/wordpress/db/user", Type: TypeSecureString, Value: "admin"})
	if p := e.get(seedCaller, "/wordpress/db/user", true); p.Value != "admin" {
		t.Errorf("new secret after reopen = %q", p.Value)
	}
}
