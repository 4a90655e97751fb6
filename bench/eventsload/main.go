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
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
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

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2, MaxConnsPerHost: *conc * 2}}
	if *endpoint == "" {
		dir, err := os.MkdirTemp("", "eventsload-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		p, err := startShoal(client, *bin, dir, *storeURL)
		if err != nil {
			return err
		}
		defer p.cmd.Process.Kill()
		*endpoint = p.endpoint
		defer func() { fmt.Printf("RSS after load: %.1f MiB\n", rssMiB(p.cmd.Process.Pid)) }()
	}
	if *match {
		for _, c := range [][2]string{
			{"CreateEventBus", `{"Name":"sink"}`},
			{"PutRule", `{"Name":"all-orders","EventPattern":"{\"source\":[\"my.shop\"],\"detail\":{\"total\":[{\"numeric\":[\">\",0]}]}}"}`},
			{"PutTargets", `{"Rule":"all-orders","Targets":[{"Id":"sink","Arn":"arn:aws:events:eu-west-1:123456789012:event-bus/sink"}]}`},
		} {
			if _, err := call(client, *endpoint, c[0], c[1]); err != nil {
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

	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var failures, failedEntries int
	var wg sync.WaitGroup
	start := time.Now()
	for range *conc {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1<<16)
			fails, failedE := 0, 0
			for ctx.Err() == nil {
				t0 := time.Now()
				out, err := call(client, *endpoint, "PutEvents", body)
				if err != nil {
					fails++
					continue
				}
				var res struct{ FailedEntryCount int }
				if json.Unmarshal(out, &res) != nil || res.FailedEntryCount != 0 {
					failedE++
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			failures += fails
			failedEntries += failedE
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[int(float64(len(all)-1)*p)]
	}
	fmt.Printf("PutEvents c=%d n=%d match=%v for %v: %d requests ok, %d failed, %d with failed entries; %.0f entries/s, %.0f req/s, p50 %v, p99 %v\n",
		*conc, *n, *match, elapsed.Round(time.Millisecond), len(all), failures, failedEntries,
		float64(len(all)**n)/elapsed.Seconds(), float64(len(all))/elapsed.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond))
	return nil
}

// call sends one awsJson1_1 EventBridge request with a SigV4-shaped header
// (the default --auth none parses the scope but does not check the
// signature).
func call(client *http.Client, endpoint, op, body string) ([]byte, error) {
	req, err := http.NewRequest("POST", endpoint+"/", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSEvents."+op)
	req.Header.Set("X-Amz-Date", "20240611T122304Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20240611/eu-west-1/events/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %d %s", op, resp.StatusCode, b)
	}
	return b, nil
}

type process struct {
	cmd      *exec.Cmd
	endpoint string
	ready    time.Duration
}

var readyLine = regexp.MustCompile(`msg="shoal ready" addr=(\S+)`)

// startShoal starts shoal and times it from exec to the first successful
// API call.
func startShoal(client *http.Client, bin, dir, storeURL string) (*process, error) {
	t0 := time.Now()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir, "--store", storeURL)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(stderr)
	var log bytes.Buffer
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
			endpoint := "http://" + m[1]
			if _, err := call(client, endpoint, "ListEventBuses", `{}`); err != nil {
				return nil, err
			}
			ready := time.Since(t0)
			go io.Copy(io.Discard, stderr)
			return &process{cmd: cmd, endpoint: endpoint, ready: ready}, nil
		}
	}
	return nil, fmt.Errorf("shoal exited before it was ready:\n%s", log.String())
}

func rssMiB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	return -1
}
