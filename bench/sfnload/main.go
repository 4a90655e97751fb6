// Command sfnload measures Step Functions over loopback HTTP: it starts a
// shoal process (-bin) on a temporary data directory (or uses -endpoint),
// creates a 5-state Pass machine, sends StartExecution from -c concurrent
// clients for -d, then waits until every execution has finished. It
// reports StartExecution/s, completed executions/s and state transitions/s
// (5 per execution, one per state entered).
//
//	go build -o /tmp/shoal ./cmd/shoal
//	go run ./bench/sfnload -bin /tmp/shoal -c 32 -d 10s
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/shoal-dev/shoal/bench/internal/loadgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sfnload:", err)
		os.Exit(1)
	}
}

const definition = `{"StartAt":"S1","States":{
 "S1":{"Type":"Pass","Result":{"n":1},"ResultPath":"$.s1","Next":"S2"},
 "S2":{"Type":"Pass","Parameters":{"in.$":"$.i","s1.$":"$.s1"},"ResultPath":"$.s2","Next":"S3"},
 "S3":{"Type":"Pass","Next":"S4"},
 "S4":{"Type":"Pass","Result":"done","ResultPath":"$.s4","Next":"S5"},
 "S5":{"Type":"Pass","End":true}}}`

func run() error {
	bin := flag.String("bin", "", "shoal binary to start (ignored with -endpoint)")
	endpoint := flag.String("endpoint", "", "a running shoal, e.g. http://127.0.0.1:4566")
	storeURL := flag.String("store", "sqlite", "--store for the started shoal")
	conc := flag.Int("c", 32, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "how long to send StartExecution")
	flag.Parse()
	if *endpoint == "" && *bin == "" {
		return errors.New("give -bin or -endpoint")
	}
	c := loadgen.NewClient(*endpoint, *conc)
	call := func(op, body string, out any) error { return c.Call(loadgen.StepFunctions, op, body, out) }
	if *endpoint == "" {
		p, err := loadgen.Start(*bin, *storeURL, func(ep string) error {
			c.Endpoint = ep
			return call("ListStateMachines", `{}`, nil)
		})
		if err != nil {
			return err
		}
		defer p.Stop()
		defer func() { fmt.Printf("RSS after load: %.1f MiB\n", p.RSSMiB()) }()
	}

	name := fmt.Sprintf("pass5-%d", time.Now().UnixNano())
	var created struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	body, _ := json.Marshal(map[string]string{"name": name, "definition": definition, "roleArn": "arn:aws:iam::123456789012:role/bench"})
	if err := call("CreateStateMachine", string(body), &created); err != nil {
		return err
	}
	start := time.Now()
	res := loadgen.Run(*conc, *dur, func(i int64) error {
		req := fmt.Sprintf(`{"stateMachineArn":%q,"name":"x%d","input":"{\"i\":%d}"}`, created.StateMachineArn, i, i)
		return call("StartExecution", req, nil)
	})
	if res.FirstErr != nil {
		fmt.Fprintln(os.Stderr, "first failure:", res.FirstErr)
	}
	startPhase := res.Elapsed
	// Wait until nothing runs any more.
	for {
		var page struct {
			Executions []any `json:"executions"`
		}
		if err := call("ListExecutions", fmt.Sprintf(`{"stateMachineArn":%q,"statusFilter":"RUNNING","maxResults":1}`, created.StateMachineArn), &page); err != nil {
			return err
		}
		if len(page.Executions) == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	total := time.Since(start)
	var succeeded int
	next := ""
	for {
		req := fmt.Sprintf(`{"stateMachineArn":%q,"statusFilter":"SUCCEEDED","maxResults":1000}`, created.StateMachineArn)
		if next != "" {
			req = fmt.Sprintf(`{"stateMachineArn":%q,"statusFilter":"SUCCEEDED","maxResults":1000,"nextToken":%q}`, created.StateMachineArn, next)
		}
		var page struct {
			Executions []any  `json:"executions"`
			NextToken  string `json:"nextToken"`
		}
		if err := call("ListExecutions", req, &page); err != nil {
			return err
		}
		succeeded += len(page.Executions)
		if next = page.NextToken; next == "" {
			break
		}
	}
	fmt.Printf("StartExecution c=%d for %v: %d ok, %d failed, %.0f starts/s, p50 %v, p99 %v\n",
		*conc, startPhase.Round(time.Millisecond), len(res.Latencies), res.Failures, res.Rate(),
		res.Percentile(0.50), res.Percentile(0.99))
	fmt.Printf("completed: %d SUCCEEDED of %d in %v (drain after the last start: %v): %.0f executions/s, %.0f state transitions/s (5 per execution)\n",
		succeeded, len(res.Latencies), total.Round(time.Millisecond), (total - startPhase).Round(time.Millisecond),
		float64(succeeded)/total.Seconds(), 5*float64(succeeded)/total.Seconds())
	return nil
}
