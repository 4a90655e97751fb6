// Package loadgen is what shoal's load generators share: starting a shoal
// process and timing it to its first answer, an awsJson client that signs
// like the CLI, closed-loop load from concurrent workers with latency
// percentiles, and the process's resident memory.
package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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

// Service is an awsJson service as a client addresses it.
type Service struct {
	Target      string // X-Amz-Target prefix: "AmazonSSM"
	JSONVersion string // "1.0" or "1.1"
	SigningName string // credential scope service: "ssm"
}

// Common services.
var (
	SSM           = Service{Target: "AmazonSSM", JSONVersion: "1.1", SigningName: "ssm"}
	StepFunctions = Service{Target: "AWSStepFunctions", JSONVersion: "1.0", SigningName: "states"}
	EventBridge   = Service{Target: "AWSEvents", JSONVersion: "1.1", SigningName: "events"}
)

// Client sends awsJson requests to one endpoint.
type Client struct {
	HTTP     *http.Client
	Endpoint string
}

// NewClient returns a client keeping enough connections for conc workers.
func NewClient(endpoint string, conc int) *Client {
	return &Client{
		HTTP:     &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2, MaxConnsPerHost: conc * 2}},
		Endpoint: endpoint,
	}
}

// Call sends one request, with a SigV4-shaped Authorization header (shoal's
// default --auth none parses the scope, not the signature), and decodes the
// answer into out when out is not nil. A non-200 answer is an error.
func (c *Client) Call(svc Service, op, body string, out any) error {
	req, err := http.NewRequest("POST", c.Endpoint+"/", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-"+svc.JSONVersion)
	req.Header.Set("X-Amz-Target", svc.Target+"."+op)
	req.Header.Set("X-Amz-Date", "20240611T122304Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20240611/eu-west-1/"+svc.SigningName+"/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", op, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// Shoal is a started shoal process.
type Shoal struct {
	Cmd      *exec.Cmd
	Endpoint string
	// Ready is the time from exec to the first successful API call.
	Ready time.Duration
	dir   string
}

var readyLine = regexp.MustCompile(`msg="shoal ready" addr=(\S+)`)

// Start runs `bin serve` on a free port and a temporary data directory with
// the given --store, and waits until probe (an API call) succeeds.
func Start(bin, storeURL string, probe func(endpoint string) error) (*Shoal, error) {
	return StartArgs(bin, storeURL, nil, probe)
}

// StartArgs is Start with more `serve` flags, e.g. "--time-scale", "1000".
func StartArgs(bin, storeURL string, args []string, probe func(endpoint string) error) (*Shoal, error) {
	dir, err := os.MkdirTemp("", "shoal-load-")
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	argv := append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir, "--store", storeURL}, args...)
	cmd := exec.Command(bin, argv...)
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
			if err := probe(endpoint); err != nil {
				_ = cmd.Process.Kill()
				return nil, err
			}
			ready := time.Since(t0)
			go io.Copy(io.Discard, stderr)
			return &Shoal{Cmd: cmd, Endpoint: endpoint, Ready: ready, dir: dir}, nil
		}
	}
	_ = cmd.Wait()
	os.RemoveAll(dir)
	return nil, fmt.Errorf("shoal exited before it was ready:\n%s", log.String())
}

// Stop kills the process and removes its data directory.
func (s *Shoal) Stop() {
	_ = s.Cmd.Process.Kill()
	_ = s.Cmd.Wait()
	os.RemoveAll(s.dir)
}

// RSSMiB is the process's resident memory now, from /proc.
func (s *Shoal) RSSMiB() float64 {
	kb := s.RSSKiB()
	if kb < 0 {
		return -1
	}
	return float64(kb) / 1024
}

// RSSKiB is the process's resident memory now in KiB (VmRSS of
// /proc/<pid>/status), or -1 when it cannot be read.
func (s *Shoal) RSSKiB() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb
		}
	}
	return -1
}

// DataDir is the process's --data-dir.
func (s *Shoal) DataDir() string { return s.dir }

// Result is one closed-loop run.
type Result struct {
	Elapsed   time.Duration
	Latencies []time.Duration // of successful requests, sorted
	Failures  int
	FirstErr  error
}

// Run has conc workers call do back to back for d and collects latencies.
// do gets the worker's running request number across all workers.
func Run(conc int, d time.Duration, do func(seq int64) error) Result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		mu  sync.Mutex
		res Result
		seq int64
		wg  sync.WaitGroup
	)
	next := func() int64 {
		mu.Lock()
		defer mu.Unlock()
		seq++
		return seq
	}
	start := time.Now()
	for range conc {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1<<15)
			var fails int
			var first error
			for ctx.Err() == nil {
				t0 := time.Now()
				if err := do(next()); err != nil {
					if first == nil {
						first = err
					}
					fails++
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.Latencies = append(res.Latencies, lat...)
			res.Failures += fails
			if res.FirstErr == nil {
				res.FirstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.Latencies)
	return res
}

// Rate is successful requests per second.
func (r Result) Rate() float64 { return float64(len(r.Latencies)) / r.Elapsed.Seconds() }

// Percentile returns the p-quantile (0..1) of the latencies.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[int(float64(len(r.Latencies)-1)*p)].Round(time.Microsecond)
}
