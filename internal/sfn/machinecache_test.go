package sfn_test

import (
	"testing"

	"github.com/shoal-dev/shoal/internal/sfn"
)

// StartExecution keeps decoded machines between requests; a machine that
// changed, or was deleted and created again under its name (its record
// starts over at version 1), must run its new definition.
func TestStartExecutionSeesMachineChanges(t *testing.T) {
	e := newEnv(t)
	def := func(result string) string {
		return `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + result + `","End":true}}}`
	}
	output := func(sm, name string) string {
		t.Helper()
		arn := e.startExec(sm, name, `{}`)
		e.drain()
		d := e.describe(arn)
		if d.Output == nil {
			t.Fatalf("%s: no output (status %s)", name, d.Status)
		}
		return *d.Output
	}
	sm := e.create("m", def("one"))
	if got := output(sm, "a"); got != `"one"` {
		t.Fatalf("first output %s", got)
	}
	must[sfn.DeleteStateMachineOutput](e, "DeleteStateMachine", &sfn.DeleteStateMachineInput{StateMachineArn: sm})
	if again := e.create("m", def("two")); again != sm {
		t.Fatalf("recreated as %s", again)
	}
	if got := output(sm, "b"); got != `"two"` {
		t.Fatalf("output after delete and create %s", got)
	}
	must[sfn.UpdateStateMachineOutput](e, "UpdateStateMachine", &sfn.UpdateStateMachineInput{StateMachineArn: sm, Definition: def("three")})
	if got := output(sm, "c"); got != `"three"` {
		t.Fatalf("output after UpdateStateMachine %s", got)
	}
}
