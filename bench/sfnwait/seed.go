package main

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/bench/internal/loadgen"
)

// seedDefinition is the seed's GlueSession-WaitAndStop machine
// (internal/sfn/testdata) with SSM tasks in place of glue:stopSession and
// sns:publish, which shoal does not serve yet: the same states, Wait,
// Retry and Parameters shapes (a path and an intrinsic).
const seedDefinition = `{
  "StartAt": "Wait",
  "States": {
    "Wait": {"Type": "Wait", "Seconds": 30, "Next": "StopGlueSession"},
    "StopGlueSession": {
      "Type": "Task",
      "Resource": "arn:aws:states:::aws-sdk:ssm:putParameter",
      "Parameters": {
        "Name.$": "States.Format('/bench/session/{}', $.session_id)",
        "Value.$": "$.session_id",
        "Type": "String",
        "Overwrite": true
      },
      "Next": "SNS Publish",
      "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 3}]
    },
    "SNS Publish": {
      "Type": "Task",
      "Resource": "arn:aws:states:::aws-sdk:ssm:getParameter",
      "Parameters": {"Name": "/bench/seed/topic"},
      "End": true
    }
  },
  "Comment": "When given a Glue SessionID start a wait, stop the session and send an SNS message."
}`

// seed sends StartExecution of the seed's machine from -c clients for -d,
// waits until every execution has ended, and counts state transitions from
// the histories.
func seed(b *bench) error {
	if err := b.client.Call(loadgen.SSM, "PutParameter", `{"Name":"/bench/seed/topic","Type":"String","Value":"arn:aws:sns:eu-west-1:123456789012:success-stepfunction","Overwrite":true}`, nil); err != nil {
		return err
	}
	machine, err := b.createMachine("glue-wait-and-stop", seedDefinition)
	if err != nil {
		return err
	}
	var (
		mu   sync.Mutex
		arns []string
	)
	start := time.Now()
	res := loadgen.Run(b.cfg.conc, b.cfg.dur, func(i int64) error {
		arn, err := b.startExecution(machine, fmt.Sprintf("s%d", i), fmt.Sprintf(`{"session_id":"sess-%d"}`, i))
		if err == nil {
			mu.Lock()
			arns = append(arns, arn)
			mu.Unlock()
		}
		return err
	})
	if res.FirstErr != nil {
		fmt.Println("first StartExecution failure:", res.FirstErr)
	}
	if err := b.waitIdle(machine, 5*time.Minute); err != nil {
		return err
	}
	total := time.Since(start)
	drainedRSS := b.shoal.RSSKiB()
	succeeded, err := b.listExecutions(machine, "SUCCEEDED")
	if err != nil {
		return err
	}
	failed, err := b.listExecutions(machine, "FAILED")
	if err != nil {
		return err
	}

	// Transitions as AWS bills them: every state entered, and every retry
	// of a Task (each TaskScheduled after a state's first).
	var entered, retries int
	fails, first := loadgen.Each(b.cfg.conc, len(arns), func(i int) error {
		events, err := b.history(arns[i])
		if err != nil {
			return err
		}
		var e, scheduled, taskEntered int
		for _, ev := range events {
			switch {
			case ev.Type == "TaskStateEntered":
				taskEntered++
				e++
			case strings.HasSuffix(ev.Type, "StateEntered"):
				e++
			case ev.Type == "TaskScheduled":
				scheduled++
			}
		}
		mu.Lock()
		entered += e
		retries += scheduled - taskEntered
		mu.Unlock()
		return nil
	})
	if fails > 0 {
		return fmt.Errorf("%d histories unreadable, first: %w", fails, first)
	}
	transitions := entered + retries
	fmt.Printf("StartExecution c=%d for %v: %d ok, %d failed, %.0f starts/s, p50 %v, p99 %v\n",
		b.cfg.conc, res.Elapsed.Round(time.Millisecond), len(res.Latencies), res.Failures, res.Rate(),
		res.Percentile(0.5), res.Percentile(0.99))
	fmt.Printf("completed: %d SUCCEEDED, %d FAILED of %d in %v (drain after the last start %v): %.0f executions/s\n",
		len(succeeded), len(failed), len(arns), total.Round(time.Millisecond), (total - res.Elapsed).Round(time.Millisecond),
		float64(len(succeeded)+len(failed))/total.Seconds())
	fmt.Printf("state transitions: %d (%d states entered + %d task retries, from every history; %.2f per execution): %.0f transitions/s\n",
		transitions, entered, retries, float64(transitions)/float64(max(1, len(arns))), float64(transitions)/total.Seconds())
	fmt.Printf("RSS when the last execution ended: %d KiB; after reading every history: %d KiB", drainedRSS, b.shoal.RSSKiB())
	time.Sleep(10 * time.Second)
	fmt.Printf(", 10 s later %d KiB\n", b.shoal.RSSKiB())
	return nil
}
