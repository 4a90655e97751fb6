package sfn_test

import (
	"strings"
	"testing"
)

// An aws-sdk Task's Parameters are checked against the operation's input
// (dispatch.DecodeOptions.Strict): a parameter the API lacks fails the
// execution with States.Runtime naming it, without calling the service;
// names match without regard to the case of their letters.
func TestSDKTaskParameters(t *testing.T) {
	e := newEnv(t)
	def := func(params string) string {
		return `{"StartAt":"Stop","States":{"Stop":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:glue:stopSession","Parameters":` + params + `,"End":true}}}`
	}
	bad := e.create("bad-params", def(`{"Id":"s-1","Colour":"red"}`))
	arn := e.startExec(bad, "bad", "{}")
	e.drain()
	d := e.describe(arn)
	if d.Status != "FAILED" || d.Error != "States.Runtime" || !strings.Contains(d.Cause, "the field Colour is not supported") {
		t.Errorf("unknown parameter: status %s error %s cause %q", d.Status, d.Error, d.Cause)
	}
	if n := len(e.stubs.stopCalls); n != 0 {
		t.Errorf("StopSession called %d times with a bad parameter", n)
	}
	good := e.create("good-params", def(`{"id":"s-1"}`))
	arn = e.startExec(good, "good", "{}")
	e.drain()
	if d := e.describe(arn); d.Status != "SUCCEEDED" || len(e.stubs.stopCalls) != 1 {
		t.Errorf("camelCase parameter: status %s error %s cause %q, calls %+v", d.Status, d.Error, d.Cause, e.stubs.stopCalls)
	}
}
