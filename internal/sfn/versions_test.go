package sfn_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn"
)

const passDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v1","End":true}}}`
const passDef2 = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v2","End":true}}}`

func (e *env) publish(sm, desc string) string {
	e.t.Helper()
	return must[sfn.PublishStateMachineVersionOutput](e, "PublishStateMachineVersion", &sfn.PublishStateMachineVersionInput{StateMachineArn: sm, Description: desc}).StateMachineVersionArn
}

func (e *env) update(sm, def string) {
	e.t.Helper()
	must[sfn.UpdateStateMachineOutput](e, "UpdateStateMachine", &sfn.UpdateStateMachineInput{StateMachineArn: sm, Definition: def})
}

func TestVersions(t *testing.T) {
	e := newEnv(t)
	sm := e.create("versioned", passDef)
	v1 := e.publish(sm, "first")
	if v1 != sm+":1" {
		t.Fatalf("version ARN %s", v1)
	}
	// Publishing an unchanged revision returns the same version.
	if again := e.publish(sm, "again"); again != v1 {
		t.Errorf("republish = %s, want %s", again, v1)
	}
	e.update(sm, passDef2)
	v2 := e.publish(sm, "")
	if v2 != sm+":2" {
		t.Fatalf("second version %s", v2)
	}
	// revisionId must match the current revision.
	d := must[sfn.DescribeStateMachineOutput](e, "DescribeStateMachine", &sfn.DescribeStateMachineInput{StateMachineArn: sm})
	if _, err := call[sfn.PublishStateMachineVersionOutput](e, "PublishStateMachineVersion", &sfn.PublishStateMachineVersionInput{StateMachineArn: sm, RevisionID: "stale"}); errCode(err) != "ConflictException" {
		t.Errorf("stale revisionId: %v", err)
	}
	if _, err := call[sfn.PublishStateMachineVersionOutput](e, "PublishStateMachineVersion", &sfn.PublishStateMachineVersionInput{StateMachineArn: sm, RevisionID: d.RevisionID}); err != nil {
		t.Errorf("current revisionId: %v", err)
	}
	fresh := e.create("fresh", passDef)
	if _, err := call[sfn.PublishStateMachineVersionOutput](e, "PublishStateMachineVersion", &sfn.PublishStateMachineVersionInput{StateMachineArn: fresh, RevisionID: "INITIAL"}); err != nil {
		t.Errorf("INITIAL on a new machine: %v", err)
	}

	// UpdateStateMachine with publish makes versions too, numbered on.
	up := must[sfn.UpdateStateMachineOutput](e, "UpdateStateMachine", &sfn.UpdateStateMachineInput{StateMachineArn: sm, Definition: passDef, Publish: true, VersionDescription: "v3"})
	if up.StateMachineVersionArn != sm+":3" {
		t.Errorf("update+publish = %s", up.StateMachineVersionArn)
	}

	// Listing: newest first, paged.
	var got []string
	token := ""
	for {
		out := must[sfn.ListStateMachineVersionsOutput](e, "ListStateMachineVersions", &sfn.ListStateMachineVersionsInput{StateMachineArn: sm, MaxResults: 2, NextToken: token})
		for _, v := range out.StateMachineVersions {
			got = append(got, v.StateMachineVersionArn)
		}
		if token = out.NextToken; token == "" {
			break
		}
	}
	if want := []string{sm + ":3", sm + ":2", sm + ":1"}; !slices.Equal(got, want) {
		t.Errorf("versions %v, want %v", got, want)
	}
	if _, err := call[sfn.ListStateMachineVersionsOutput](e, "ListStateMachineVersions", &sfn.ListStateMachineVersionsInput{StateMachineArn: fresh, NextToken: "bogus"}); errCode(err) != "InvalidToken" {
		t.Errorf("bad token: %v", err)
	}

	// DescribeStateMachine on a version shows what it froze.
	dv := must[sfn.DescribeStateMachineOutput](e, "DescribeStateMachine", &sfn.DescribeStateMachineInput{StateMachineArn: v1})
	if dv.StateMachineArn != v1 || dv.Definition != passDef || dv.Description != "first" || dv.Name != "versioned" {
		t.Errorf("describe v1: %+v", dv)
	}

	// Executions of a version run its definition and say so.
	x := e.startExec(v1, "on-v1", `{}`)
	e.drain()
	dx := e.describe(x)
	if dx.Status != "SUCCEEDED" || *dx.Output != `"v1"` || dx.StateMachineVersionArn != v1 || dx.StateMachineAliasArn != "" || dx.StateMachineArn != sm {
		t.Errorf("execution of v1: %+v", dx)
	}
	if !strings.Contains(x, ":execution:versioned:on-v1") {
		t.Errorf("execution ARN %s", x)
	}

	// Delete; the version is gone for StartExecution.
	must[sfn.DeleteStateMachineVersionOutput](e, "DeleteStateMachineVersion", &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: v2})
	if _, err := call[sfn.StartExecutionOutput](e, "StartExecution", &sfn.StartExecutionInput{StateMachineArn: v2}); errCode(err) != "StateMachineDoesNotExist" {
		t.Errorf("start deleted version: %v", err)
	}
	if _, err := call[sfn.DeleteStateMachineVersionOutput](e, "DeleteStateMachineVersion", &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: sm}); errCode(err) != "InvalidArn" {
		t.Errorf("delete unqualified: %v", err)
	}
	if _, err := call[sfn.PublishStateMachineVersionOutput](e, "PublishStateMachineVersion", &sfn.PublishStateMachineVersionInput{StateMachineArn: sm + "x"}); errCode(err) != "StateMachineDoesNotExist" {
		t.Errorf("publish missing machine: %v", err)
	}
}

func TestAliases(t *testing.T) {
	e := newEnv(t)
	sm := e.create("aliased", passDef)
	v1 := e.publish(sm, "")
	e.update(sm, passDef2)
	v2 := e.publish(sm, "")

	route := func(arn string, w int32) sfn.RoutingConfigurationListItem {
		return sfn.RoutingConfigurationListItem{StateMachineVersionArn: arn, Weight: w}
	}
	desc := "production"
	created := must[sfn.CreateStateMachineAliasOutput](e, "CreateStateMachineAlias", &sfn.CreateStateMachineAliasInput{
		Name: "PROD", Description: &desc, RoutingConfiguration: []sfn.RoutingConfigurationListItem{route(v1, 100)}})
	prod := created.StateMachineAliasArn
	if prod != sm+":PROD" {
		t.Fatalf("alias ARN %s", prod)
	}
	// The same request again is idempotent; another routing conflicts.
	if again := must[sfn.CreateStateMachineAliasOutput](e, "CreateStateMachineAlias", &sfn.CreateStateMachineAliasInput{
		Name: "PROD", Description: &desc, RoutingConfiguration: []sfn.RoutingConfigurationListItem{route(v1, 100)}}); again.StateMachineAliasArn != prod {
		t.Errorf("idempotent create %s", again.StateMachineAliasArn)
	}
	cases := []struct {
		name string
		rc   []sfn.RoutingConfigurationListItem
		code string
	}{
		{"PROD", []sfn.RoutingConfigurationListItem{route(v2, 100)}, "ConflictException"},
		{"bad", []sfn.RoutingConfigurationListItem{route(v1, 50), route(v2, 40)}, "ValidationException"},
		{"bad", []sfn.RoutingConfigurationListItem{route(v1, 50), route(v1, 50)}, "ValidationException"},
		{"bad", []sfn.RoutingConfigurationListItem{route(v1, 50), route(strings.Replace(v2, "aliased", "other", 1), 50)}, "ValidationException"},
		{"bad", []sfn.RoutingConfigurationListItem{route(sm+":9", 100)}, "ResourceNotFound"},
		{"bad", []sfn.RoutingConfigurationListItem{route(sm, 100)}, "InvalidArn"},
		{"123", []sfn.RoutingConfigurationListItem{route(v1, 100)}, "ValidationException"},
		{"has space", []sfn.RoutingConfigurationListItem{route(v1, 100)}, "ValidationException"},
		{"bad", []sfn.RoutingConfigurationListItem{route(v1, 50), route(v2, 50), route(v2, 0)}, "ValidationException"},
	}
	for _, c := range cases {
		_, err := call[sfn.CreateStateMachineAliasOutput](e, "CreateStateMachineAlias", &sfn.CreateStateMachineAliasInput{Name: c.name, RoutingConfiguration: c.rc})
		if errCode(err) != c.code {
			t.Errorf("create %s %v: %v, want %s", c.name, c.rc, err, c.code)
		}
	}

	// A version an alias routes to cannot be deleted.
	if _, err := call[sfn.DeleteStateMachineVersionOutput](e, "DeleteStateMachineVersion", &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: v1}); errCode(err) != "ConflictException" {
		t.Errorf("delete routed version: %v", err)
	}

	// Executions through the alias report the alias and the version.
	x := e.startExec(prod, "via-alias", `{}`)
	e.drain()
	if d := e.describe(x); d.StateMachineAliasArn != prod || d.StateMachineVersionArn != v1 || *d.Output != `"v1"` {
		t.Errorf("execution via alias: %+v", d)
	}

	// Split 30/70: the draw is seeded per request id, so the split is
	// deterministic and follows the weights over many requests.
	must[sfn.UpdateStateMachineAliasOutput](e, "UpdateStateMachineAlias", &sfn.UpdateStateMachineAliasInput{
		StateMachineAliasArn: prod, RoutingConfiguration: []sfn.RoutingConfigurationListItem{route(v1, 30), route(v2, 70)}})
	d := must[sfn.DescribeStateMachineAliasOutput](e, "DescribeStateMachineAlias", &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: prod})
	if d.Name != "PROD" || d.Description != "production" || len(d.RoutingConfiguration) != 2 || d.RoutingConfiguration[1].Weight != 70 {
		t.Errorf("describe alias %+v", d)
	}
	counts := map[string]int{}
	for i := range 400 {
		x := e.startExec(prod, fmt.Sprintf("split-%d", i), `{}`)
		e.drain()
		counts[e.describe(x).StateMachineVersionArn]++
	}
	if counts[v1] < 80 || counts[v1] > 160 || counts[v1]+counts[v2] != 400 {
		t.Errorf("30/70 split over 400 starts: %v", counts)
	}

	// Update needs something to update; the routing must stay on the machine.
	if _, err := call[sfn.UpdateStateMachineAliasOutput](e, "UpdateStateMachineAlias", &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: prod}); errCode(err) != "ValidationException" {
		t.Errorf("empty update: %v", err)
	}

	// Listing: newest first; by version, the aliases routing to it.
	e.clk.Advance(1e9)
	beta := must[sfn.CreateStateMachineAliasOutput](e, "CreateStateMachineAlias", &sfn.CreateStateMachineAliasInput{
		Name: "beta", RoutingConfiguration: []sfn.RoutingConfigurationListItem{route(v2, 100)}}).StateMachineAliasArn
	list := func(arn string) []string {
		var out []string
		token := ""
		for {
			l := must[sfn.ListStateMachineAliasesOutput](e, "ListStateMachineAliases", &sfn.ListStateMachineAliasesInput{StateMachineArn: arn, MaxResults: 1, NextToken: token})
			for _, a := range l.StateMachineAliases {
				out = append(out, a.StateMachineAliasArn)
			}
			if token = l.NextToken; token == "" {
				return out
			}
		}
	}
	if got := list(sm); !slices.Equal(got, []string{beta, prod}) {
		t.Errorf("aliases %v", got)
	}
	if got := list(v1); !slices.Equal(got, []string{prod}) {
		t.Errorf("aliases of v1 %v", got)
	}

	must[sfn.DeleteStateMachineAliasOutput](e, "DeleteStateMachineAlias", &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: beta})
	if _, err := call[sfn.DescribeStateMachineAliasOutput](e, "DescribeStateMachineAlias", &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: beta}); errCode(err) != "ResourceNotFound" {
		t.Errorf("describe deleted alias: %v", err)
	}
	if _, err := call[sfn.StartExecutionOutput](e, "StartExecution", &sfn.StartExecutionInput{StateMachineArn: beta}); errCode(err) != "StateMachineDoesNotExist" {
		t.Errorf("start via deleted alias: %v", err)
	}
	if _, err := call[sfn.DescribeStateMachineAliasOutput](e, "DescribeStateMachineAlias", &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: v1}); errCode(err) != "InvalidArn" {
		t.Errorf("describe a version as an alias: %v", err)
	}

	// Deleting the machine deletes its aliases and versions.
	must[sfn.DeleteStateMachineOutput](e, "DeleteStateMachine", &sfn.DeleteStateMachineInput{StateMachineArn: sm})
	e.create("aliased", passDef)
	if got := list(sm); len(got) != 0 {
		t.Errorf("aliases survived the machine: %v", got)
	}
}

// routingDraw depends only on the request id.
func TestAliasRoutingIsDeterministicPerRequestID(t *testing.T) {
	pick := func(id string) string {
		e := newEnv(t)
		sm := e.create("m", passDef)
		v1 := e.publish(sm, "")
		e.update(sm, passDef2)
		v2 := e.publish(sm, "")
		a := must[sfn.CreateStateMachineAliasOutput](e, "CreateStateMachineAlias", &sfn.CreateStateMachineAliasInput{Name: "live",
			RoutingConfiguration: []sfn.RoutingConfigurationListItem{{StateMachineVersionArn: v1, Weight: 50}, {StateMachineVersionArn: v2, Weight: 50}}}).StateMachineAliasArn
		op, _ := e.reg.Op("states", "StartExecution")
		out, err := e.reg.Invoke(context.Background(), dispatch.Caller{AccountID: "123456789012", Region: "eu-west-1"}, id, op, &sfn.StartExecutionInput{StateMachineArn: a, Name: "x"})
		if err != nil {
			t.Fatal(err)
		}
		e.drain()
		return e.describe(out.(*sfn.StartExecutionOutput).ExecutionArn).StateMachineVersionArn
	}
	for _, id := range []string{"req-a", "req-b", "req-c"} {
		if a, b := pick(id), pick(id); a != b {
			t.Errorf("request %s routed to %s then %s", id, a, b)
		}
	}
}
