package sfn_test

import (
	"fmt"
	"testing"

	"github.com/shoal-dev/shoal/internal/sfn"
)

// Paging through ListExecutions with a status filter visits every execution
// exactly once, whatever the page size — including executions that share a
// start time (the manual clock does not move between them).
func TestListExecutionsPagesEachOnce(t *testing.T) {
	e := newEnv(t)
	machine := e.create("pass", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	const n = 45
	for i := range n {
		e.startExec(machine, fmt.Sprintf("x%d", i), `{}`)
	}
	e.drain()
	for _, size := range []int32{1, 7, 10, 1000} {
		seen := map[string]int{}
		token := ""
		for {
			out := must[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{StateMachineArn: machine, StatusFilter: "SUCCEEDED", MaxResults: size, NextToken: token})
			for _, x := range out.Executions {
				seen[x.ExecutionArn]++
			}
			if token = out.NextToken; token == "" {
				break
			}
		}
		if len(seen) != n {
			t.Errorf("page size %d: saw %d executions, want %d", size, len(seen), n)
		}
		for arn, k := range seen {
			if k != 1 {
				t.Errorf("page size %d: %s listed %d times", size, arn, k)
			}
		}
	}
}
