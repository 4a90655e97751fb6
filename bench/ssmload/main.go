// Command ssmload measures shoal over loopback HTTP: start-to-ready time,
// idle memory, and GetParameter throughput and latency at a given
// concurrency. It starts its own shoal process (a built binary, -bin) on a
// temporary data directory unless -endpoint points at a running one.
//
//	go build -o /tmp/shoal ./cmd/shoal
//	go run ./bench/ssmload -bin /tmp/shoal -c 32 -d 10s
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/shoal-dev/shoal/bench/internal/loadgen"
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

	client := loadgen.NewClient(*endpoint, *conc)
	if *endpoint == "" {
		p, err := loadgen.Start(*bin, *storeURL, func(ep string) error {
			client.Endpoint = ep
			return client.Call(loadgen.SSM, "GetParameters", `{"Names":["/warm"]}`, nil)
		})
		if err != nil {
			return err
		}
		defer p.Stop()
		fmt.Printf("start-to-ready (exec to first successful API call): %v\n", p.Ready.Round(100*time.Microsecond))
		fmt.Printf("idle RSS after start: %.1f MiB\n", p.RSSMiB())
		defer func() { fmt.Printf("RSS after load: %.1f MiB\n", p.RSSMiB()) }()
	}

	if err := client.Call(loadgen.SSM, "PutParameter", `{"Name":"/s3/lakehouse/name/raw","Type":"String","Value":"data-lakehouse-raw","Overwrite":true}`, nil); err != nil {
		return err
	}
	res := loadgen.Run(*conc, *dur, func(int64) error {
		return client.Call(loadgen.SSM, "GetParameter", `{"Name":"/s3/lakehouse/name/raw"}`, nil)
	})
	fmt.Printf("GetParameter c=%d for %v: %d ok, %d failed, %.0f req/s, p50 %v, p99 %v, max %v\n",
		*conc, res.Elapsed.Round(time.Millisecond), len(res.Latencies), res.Failures, res.Rate(),
		res.Percentile(0.50), res.Percentile(0.99), res.Percentile(1))
	return res.FirstErr
}
