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
	"sync/atomic"
	"time"
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
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2, MaxConnsPerHost: *conc * 2}}
	if *endpoint == "" {
		dir, err := os.MkdirTemp("", "sfnload-")
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

	name := fmt.Sprintf("pass5-%d", time.Now().UnixNano())
	var created struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	body, _ := json.Marshal(map[string]string{"name": name, "definition": definition, "roleArn": "arn:aws:iam::123456789012:role/bench"})
	if err := call(client, *endpoint, "CreateStateMachine", string(body), &created); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var failures atomic.Int64
	var seq atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *conc {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1<<15)
			for ctx.Err() == nil {
				i := seq.Add(1)
				req := fmt.Sprintf(`{"stateMachineArn":%q,"name":"x%d","input":"{\"i\":%d}"}`, created.StateMachineArn, i, i)
				t0 := time.Now()
				if err := call(client, *endpoint, "StartExecution", req, nil); err != nil {
					if failures.Add(1) == 1 {
						fmt.Fprintln(os.Stderr, "first failure:", err)
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	startPhase := time.Since(start)
	// Wait until nothing runs any more.
	for {
		var page struct {
			Executions []any `json:"executions"`
		}
		if err := call(client, *endpoint, "ListExecutions", fmt.Sprintf(`{"stateMachineArn":%q,"statusFilter":"RUNNING","maxResults":1}`, created.StateMachineArn), &page); err != nil {
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
		if err := call(client, *endpoint, "ListExecutions", req, &page); err != nil {
			return err
		}
		succeeded += len(page.Executions)
		if next = page.NextToken; next == "" {
			break
		}
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[int(float64(len(all)-1)*p)]
	}
	fmt.Printf("StartExecution c=%d for %v: %d ok, %d failed, %.0f starts/s, p50 %v, p99 %v\n",
		*conc, startPhase.Round(time.Millisecond), len(all), failures.Load(), float64(len(all))/startPhase.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond))
	fmt.Printf("completed: %d SUCCEEDED of %d in %v (drain after the last start: %v): %.0f executions/s, %.0f state transitions/s (5 per execution)\n",
		succeeded, len(all), total.Round(time.Millisecond), (total - startPhase).Round(time.Millisecond),
		float64(succeeded)/total.Seconds(), 5*float64(succeeded)/total.Seconds())
	return nil
}

// call sends one awsJson1_0 Step Functions request, signed the way the CLI
// signs (the default --auth none parses the scope, not the signature).
func call(client *http.Client, endpoint, op, body string, out any) error {
	req, err := http.NewRequest("POST", endpoint+"/", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	req.Header.Set("X-Amz-Date", "20240611T122304Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20240611/eu-west-1/states/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %d %s", op, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
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
			if err := call(client, endpoint, "ListStateMachines", `{}`, nil); err != nil {
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
