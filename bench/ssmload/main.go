// Command ssmload measures shoal over loopback HTTP: start-to-ready time,
// idle memory, and GetParameter throughput and latency at a given
// concurrency. It starts its own shoal process (a built binary, -bin) on a
// temporary data directory unless -endpoint points at a running one.
//
//	go build -o /tmp/shoal ./cmd/shoal
//	go run ./bench/ssmload -bin /tmp/shoal -c 32 -d 10s
package main

import (
	"bufio"
	"bytes"
	"context"
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
		fmt.Fprintln(os.Stderr, "ssmload:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "shoal binary to start (ignored with -endpoint)")
	endpoint := flag.String("endpoint", "", "a running shoal, e.g. http://127.0.0.1:4566")
	storeURL := flag.String("store", "sqlite", "--store for the started shoal")
	conc := flag.Int("c", 32, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "how long to send requests")
	flag.Parse()
	if *endpoint == "" && *bin == "" {
		return errors.New("give -bin or -endpoint")
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2, MaxConnsPerHost: *conc * 2}}
	if *endpoint == "" {
		dir, err := os.MkdirTemp("", "ssmload-")
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
		fmt.Printf("start-to-ready (exec to first successful API call): %v\n", p.ready.Round(100*time.Microsecond))
		fmt.Printf("idle RSS after start: %.1f MiB\n", rssMiB(p.cmd.Process.Pid))
		defer func() { fmt.Printf("RSS after load: %.1f MiB\n", rssMiB(p.cmd.Process.Pid)) }()
	}

	if err := call(client, *endpoint, "PutParameter", `{"Name":"/s3/lakehouse/name/raw","Type":"String","Value":"data-lakehouse-raw","Overwrite":true}`); err != nil {
		return err
	}
	body := `{"Name":"/s3/lakehouse/name/raw"}`
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var failures int
	var wg sync.WaitGroup
	start := time.Now()
	for range *conc {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1<<16)
			fails := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				if err := call(client, *endpoint, "GetParameter", body); err != nil {
					fails++
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			failures += fails
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
	fmt.Printf("GetParameter c=%d for %v: %d ok, %d failed, %.0f req/s, p50 %v, p99 %v, max %v\n",
		*conc, elapsed.Round(time.Millisecond), len(all), failures, float64(len(all))/elapsed.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond))
	return nil
}

// call sends one awsJson1_1 SSM request, signed the way the CLI signs (the
// default --auth none does not check the signature, but parses its scope).
func call(client *http.Client, endpoint, op, body string) error {
	req, err := http.NewRequest("POST", endpoint+"/", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM."+op)
	req.Header.Set("X-Amz-Date", "20240611T122304Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20240611/eu-west-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %d %s", op, resp.StatusCode, b)
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
			if err := call(client, endpoint, "GetParameters", `{"Names":["/warm"]}`); err != nil {
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
