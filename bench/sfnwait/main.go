// Command sfnwait measures Standard executions that wait, over loopback
// HTTP against a shoal process it starts (-bin) on a temporary data
// directory, or on a fresh schema of a PostgreSQL database (-store). With
// -mode waiting it reports resident memory and disk per waiting execution,
// with -n executions of a Wait(3600 s)→Pass machine waiting at once. With
// -mode lateness it reports how late Wait states end on the real clock, for
// -m executions whose TimestampPath due times are spread over -window from
// -lead after the first start. With -mode seed it runs the seed's Glue
// cost-control machine (Wait 30 s → Task with Retry → Task), SSM tasks in
// place of Glue and SNS, under --time-scale, at concurrency -c for -d.
//
//	go build -o /tmp/shoal ./cmd/shoal
//	go run ./bench/sfnwait -bin /tmp/shoal -mode waiting -n 100000
//	go run ./bench/sfnwait -bin /tmp/shoal -mode lateness -m 1000
//	go run ./bench/sfnwait -bin /tmp/shoal -mode seed -c 32 -d 10s
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/bench/internal/loadgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sfnwait:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	bin, storeURL, mode string
	conc                int
	// waiting
	n      int
	warm   int
	settle time.Duration
	// lateness
	m            int
	lead, window time.Duration
	// seed
	dur       time.Duration
	timeScale float64
}

func run() error {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "", "shoal binary to start")
	flag.StringVar(&cfg.storeURL, "store", "sqlite", "--store for the started shoal; a postgres:// URL gets a fresh schema (made and dropped with psql)")
	flag.StringVar(&cfg.mode, "mode", "", "waiting, lateness or seed")
	flag.IntVar(&cfg.conc, "c", 32, "concurrent clients")
	flag.IntVar(&cfg.n, "n", 100000, "waiting: executions left waiting")
	flag.IntVar(&cfg.warm, "warm", 1000, "waiting: executions started before the second baseline")
	flag.DurationVar(&cfg.settle, "settle", 30*time.Second, "waiting: how long to watch RSS after the last start")
	flag.IntVar(&cfg.m, "m", 1000, "lateness: executions")
	flag.DurationVar(&cfg.lead, "lead", 5*time.Second, "lateness: from the first start to the first due time")
	flag.DurationVar(&cfg.window, "window", 20*time.Second, "lateness: due times spread uniformly over this")
	flag.DurationVar(&cfg.dur, "d", 10*time.Second, "seed: how long to send StartExecution")
	flag.Float64Var(&cfg.timeScale, "time-scale", 1000, "seed: shoal's --time-scale")
	flag.Parse()
	if cfg.bin == "" {
		return errors.New("give -bin")
	}
	var mode func(*bench) error
	var args []string
	switch cfg.mode {
	case "waiting":
		mode = waiting
	case "lateness":
		mode = lateness
	case "seed":
		mode = seed
		args = []string{"--time-scale", fmt.Sprint(cfg.timeScale)}
	default:
		return fmt.Errorf("-mode must be waiting, lateness or seed, got %q", cfg.mode)
	}

	b := &bench{cfg: cfg, client: loadgen.NewClient("", cfg.conc)}
	storeURL := cfg.storeURL
	if strings.HasPrefix(storeURL, "postgres://") || strings.HasPrefix(storeURL, "postgresql://") {
		s, err := loadgen.NewPostgresSchema(storeURL)
		if err != nil {
			return err
		}
		defer func() {
			if err := s.Drop(); err != nil {
				fmt.Fprintln(os.Stderr, "sfnwait:", err)
			}
		}()
		b.schema, storeURL = s, s.StoreURL
	}
	fmt.Printf("load average before: %s\n", loadavg())
	p, err := loadgen.StartArgs(cfg.bin, storeURL, args, func(ep string) error {
		b.client.Endpoint = ep
		return b.call("ListStateMachines", `{}`, nil)
	})
	if err != nil {
		return err
	}
	defer p.Stop()
	b.shoal = p
	fmt.Printf("shoal pid %d, store %s, idle RSS after start %d KiB\n", p.Cmd.Process.Pid, storeURL, p.RSSKiB())
	busy0, total0 := loadgen.MachineCPU()
	shoal0, t0 := p.CPU(), time.Now()
	err = mode(b)
	busy1, total1 := loadgen.MachineCPU()
	wall := time.Since(t0)
	fmt.Printf("during the measure (%v): machine CPU %.0f%% busy of %d cores; shoal used %.2f cores, everything else (this command included) %.2f\n",
		wall.Round(time.Second), 100*float64(busy1-busy0)/float64(total1-total0), runtime.NumCPU(),
		float64(p.CPU()-shoal0)/float64(wall), float64(busy1-busy0-(p.CPU()-shoal0))/float64(wall))
	fmt.Printf("load average after: %s\n", loadavg())
	return err
}

// bench is one run against one shoal process.
type bench struct {
	cfg    config
	client *loadgen.Client
	shoal  *loadgen.Shoal
	schema *loadgen.PostgresSchema // nil on SQLite
}

func (b *bench) call(op, body string, out any) error {
	return b.client.Call(loadgen.StepFunctions, op, body, out)
}

// createMachine creates a Standard state machine and returns its ARN.
func (b *bench) createMachine(prefix, definition string) (string, error) {
	body, _ := json.Marshal(map[string]string{
		"name":       fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()),
		"definition": definition,
		"roleArn":    "arn:aws:iam::123456789012:role/bench",
	})
	var out struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	err := b.call("CreateStateMachine", string(body), &out)
	return out.StateMachineArn, err
}

// startExecution starts one execution and returns its ARN.
func (b *bench) startExecution(machine, name, input string) (string, error) {
	body, _ := json.Marshal(map[string]string{"stateMachineArn": machine, "name": name, "input": input})
	var out struct {
		ExecutionArn string `json:"executionArn"`
	}
	err := b.call("StartExecution", string(body), &out)
	return out.ExecutionArn, err
}

// listExecutions pages through ListExecutions with a status filter and
// returns the executions' ARNs.
func (b *bench) listExecutions(machine, status string) ([]string, error) {
	var arns []string
	next := ""
	for {
		req := map[string]any{"stateMachineArn": machine, "statusFilter": status, "maxResults": 1000}
		if next != "" {
			req["nextToken"] = next
		}
		body, _ := json.Marshal(req)
		var page struct {
			Executions []struct {
				ExecutionArn string `json:"executionArn"`
			} `json:"executions"`
			NextToken string `json:"nextToken"`
		}
		if err := b.call("ListExecutions", string(body), &page); err != nil {
			return arns, err
		}
		for _, x := range page.Executions {
			arns = append(arns, x.ExecutionArn)
		}
		if next = page.NextToken; next == "" {
			return arns, nil
		}
	}
}

// waitIdle polls until no execution of machine is RUNNING, for at most
// limit.
func (b *bench) waitIdle(machine string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	body := fmt.Sprintf(`{"stateMachineArn":%q,"statusFilter":"RUNNING","maxResults":1}`, machine)
	for {
		var page struct {
			Executions []any `json:"executions"`
		}
		if err := b.call("ListExecutions", body, &page); err != nil {
			return err
		}
		if len(page.Executions) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("executions still RUNNING after %v", limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// event is the part of a history event these measures read.
type event struct {
	Timestamp json.Number `json:"timestamp"`
	Type      string      `json:"type"`
}

// Time is the event's timestamp (epoch seconds with milliseconds).
func (e event) Time() (time.Time, error) {
	f, err := e.Timestamp.Float64()
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMilli(int64(math.Round(f * 1e3))), nil
}

// history reads an execution's whole history, oldest first.
func (b *bench) history(arn string) ([]event, error) {
	var events []event
	next := ""
	for {
		req := map[string]any{"executionArn": arn, "maxResults": 1000, "includeExecutionData": false}
		if next != "" {
			req["nextToken"] = next
		}
		body, _ := json.Marshal(req)
		var page struct {
			Events    []event `json:"events"`
			NextToken string  `json:"nextToken"`
		}
		if err := b.call("GetExecutionHistory", string(body), &page); err != nil {
			return events, err
		}
		events = append(events, page.Events...)
		if next = page.NextToken; next == "" {
			return events, nil
		}
	}
}

// storeBytes is the store's size on disk: the data directory's files on
// SQLite, the schema's tables and indexes on PostgreSQL.
func (b *bench) storeBytes() (int64, string, error) {
	if b.schema != nil {
		n, err := b.schema.Bytes()
		return n, "schema " + b.schema.Name + " (pg_total_relation_size of its tables)", err
	}
	files, total, err := loadgen.DirSize(b.shoal.DataDir())
	var parts []string
	for _, f := range files {
		parts = append(parts, fmt.Sprintf("%s %d", f.Path, f.Bytes))
	}
	return total.Bytes, fmt.Sprintf("data dir, %d bytes allocated; %s", total.Allocated, strings.Join(parts, ", ")), err
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// percentile returns the p-quantile (0..1) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p)]
}
