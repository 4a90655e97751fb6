package asl_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
)

// The seed's Glue cost-control machine, driven by hand: the engine would
// persist each decision and run the task for real.
func Example() {
	m, diags := asl.Compile([]byte(`{"StartAt":"Wait","States":{
	  "Wait":{"Type":"Wait","Seconds":30,"Next":"StopGlueSession"},
	  "StopGlueSession":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:glue:stopSession",
	    "Parameters":{"Id.$":"$.session_id"},"End":true}}}`))
	if m == nil {
		fmt.Println(asl.InvalidDefinitionMessage(diags))
		return
	}
	now := time.Date(2024, 6, 11, 12, 23, 4, 0, time.UTC)
	env := &asl.Env{Vars: asl.NewVars(nil), Now: now, Rand: rand.New(rand.NewPCG(1, 1)), EnteredEventID: 2}
	input := map[string]any{"session_id": "glue-1"}

	d, _ := m.Enter("Wait", input, env)
	w := d.(*asl.Wait)
	next := w.Then.(*asl.Next)
	fmt.Println("wait", w.Until.Sub(now), "then", next.State)

	env.EnteredEventID = 4
	d, _ = m.Enter(next.State, next.Output, env)
	task := d.(*asl.RunTask)
	params, _ := json.Marshal(task.Parameters)
	fmt.Println("run", task.Resource, string(params))

	d, _ = m.TaskSucceeded(next.State, next.Output, map[string]any{"Id": "glue-1"}, env)
	out, _ := json.Marshal(d.(*asl.Succeed).Output)
	fmt.Println("succeed", string(out))
	// Output:
	// wait 30s then StopGlueSession
	// run arn:aws:states:::aws-sdk:glue:stopSession {"Id":"glue-1"}
	// succeed {"Id":"glue-1"}
}

func ExampleInvalidDefinitionMessage() {
	_, diags := asl.Compile([]byte(`{"StartAt":"X","States":{"X":{"Type":"Pass","End":true,"Foo":1}}}`))
	fmt.Println(asl.Result(diags))
	fmt.Println(asl.InvalidDefinitionMessage(diags))
	// Output:
	// FAIL
	// Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field "Foo" is not supported by Step Functions at /States/X'
}
