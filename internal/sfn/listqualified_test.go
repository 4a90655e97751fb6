package sfn_test

import (
	"slices"
	"testing"

	"github.com/shoal-dev/shoal/internal/sfn"
)

// ListExecutions on a version or alias ARN lists the executions started on
// that version or through that alias; on the machine ARN, all of them.
func TestListExecutionsByVersionAndAlias(t *testing.T) {
	e := newEnv(t)
	sm := e.create("q", passDef)
	v1 := e.publish(sm, "")
	e.update(sm, passDef2)
	v2 := e.publish(sm, "")
	alias := must[sfn.CreateStateMachineAliasOutput](e, "CreateStateMachineAlias", &sfn.CreateStateMachineAliasInput{
		Name: "live", RoutingConfiguration: []sfn.RoutingConfigurationListItem{{StateMachineVersionArn: v2, Weight: 100}}}).StateMachineAliasArn
	plain := e.startExec(sm, "plain", `{}`)
	onV1 := e.startExec(v1, "on-v1", `{}`)
	onAlias := e.startExec(alias, "on-alias", `{}`)
	list := func(arn, status string) []string {
		t.Helper()
		out := must[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{StateMachineArn: arn, StatusFilter: status})
		var got []string
		for _, x := range out.Executions {
			got = append(got, x.ExecutionArn)
		}
		slices.Sort(got)
		return got
	}
	sorted := func(s ...string) []string { slices.Sort(s); return s }
	for _, c := range []struct {
		arn, status string
		want        []string
	}{
		{sm, "", sorted(plain, onV1, onAlias)},
		{v1, "", sorted(onV1)},
		{v2, "", sorted(onAlias)},
		{alias, "", sorted(onAlias)},
		{alias, "SUCCEEDED", sorted(onAlias)},
		{alias, "FAILED", nil},
	} {
		if got := list(c.arn, c.status); !slices.Equal(got, c.want) {
			t.Errorf("ListExecutions(%s, %q) = %v, want %v", c.arn, c.status, got, c.want)
		}
	}
	if _, err := call[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{StateMachineArn: sm + ":9"}); errCode(err) != "StateMachineDoesNotExist" {
		t.Errorf("unknown version: %v", err)
	}
	if _, err := call[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{StateMachineArn: sm + ":nope"}); errCode(err) != "StateMachineDoesNotExist" {
		t.Errorf("unknown alias: %v", err)
	}
}
