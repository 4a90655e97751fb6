// Command eventsload measures EventBridge PutEvents end to end over
// loopback HTTP: entries accepted per second at a given concurrency, with
// -n entries per request, and with or without a matching rule (-match). A
// matched event is committed with its delivery job before PutEvents
// answers; its target is a second bus with no rules, so delivery (claim,
// forward, complete) is in-process and cheap and the numbers measure
// EventBridge, not a target.
//
//	go build -o /tmp/shoal ./cmd/shoal
//	go run ./bench/eventsload -bin /tmp/shoal -c 32 -d 10s -n 1 -match
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/bench/internal/loadgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "eventsload:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "shoal binary to start (ignored with -endpoint)")
	endpoint := flag.String("endpoint", "", "a running shoal, e.g. http://127.0.0.1:4566")
	storeURL := flag.String("store", "sqlite", "--store for the started shoal")
	conc := flag.Int("c", 32, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "how long to send requests")
	n := flag.Int("n", 1, "entries per PutEvents request (1-10)")
	match := flag.Bool("match", true, "put a rule (with one target) that matches every event")
	flag.Parse()
	if *endpoint == "" && *bin == "" {
		return errors.New("give -bin or -endpoint")
	}

	c := loadgen.NewClient(*endpoint, *conc)
	call := func(op, body string, out any) error { return c.Call(loadgen.EventBridge, op, body, out) }
	if *endpoint == "" {
		p, err := loadgen.Start(*bin, *storeURL, func(ep string) error {
			c.Endpoint = ep
			return call("ListEventBuses", `{}`, nil)
		})
		if err != nil {
			return err
		}
		defer p.Stop()
		defer func() { fmt.Printf("RSS after load: %.1f MiB\n", p.RSSMiB()) }()
	}
	if *match {
		for _, step := range [][2]string{
			{"CreateEventBus", `{"Name":"sink"}`},
			{"PutRule", `{"Name":"all-orders","EventPattern":"{\"source\":[\"my.shop\"],\"detail\":{\"total\":[{\"numeric\":[\">\",0]}]}}"}`},
			{"PutTargets", `{"Rule":"all-orders","Targets":[{"Id":"sink","Arn":"arn:aws:events:eu-west-1:123456789012:event-bus/sink"}]}`},
		} {
			if err := call(step[0], step[1], nil); err != nil {
				return err
			}
		}
	}
	entry := map[string]string{"Source": "my.shop", "DetailType": "Order Placed", "Detail": `{"orderId":"o-1","total":250,"items":[{"sku":"a","qty":1}]}`}
	entries := make([]map[string]string, *n)
	for i := range entries {
		entries[i] = entry
	}
	b, _ := json.Marshal(map[string]any{"Entries": entries})
	body := string(b)

	var mu sync.Mutex
	failedEntries := 0
	res := loadgen.Run(*conc, *dur, func(int64) error {
		var out struct{ FailedEntryCount int }
		if err := call("PutEvents", body, &out); err != nil {
			return err
		}
		if out.FailedEntryCount != 0 {
			mu.Lock()
			failedEntries++
			mu.Unlock()
		}
		return nil
	})
	fmt.Printf("PutEvents c=%d n=%d match=%v for %v: %d requests ok, %d failed, %d with failed entries; %.0f entries/s, %.0f req/s, p50 %v, p99 %v\n",
		*conc, *n, *match, res.Elapsed.Round(time.Millisecond), len(res.Latencies), res.Failures, failedEntries,
		res.Rate()*float64(*n), res.Rate(), res.Percentile(0.50), res.Percentile(0.99))
	return res.FirstErr
}
