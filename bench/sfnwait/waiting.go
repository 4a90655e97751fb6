package main

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/bench/internal/loadgen"
)

const waitingDefinition = `{"StartAt":"W","States":{
 "W":{"Type":"Wait","Seconds":3600,"Next":"P"},
 "P":{"Type":"Pass","End":true}}}`

// waiting leaves -n executions waiting at once and reports the resident
// memory and store size each costs.
func waiting(b *bench) error {
	n, warm := b.cfg.n, b.cfg.warm
	if warm < 0 || n <= warm {
		return fmt.Errorf("-n (%d) must be more than -warm (%d)", n, warm)
	}
	machine, err := b.createMachine("wait3600", waitingDefinition)
	if err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	idle := b.shoal.RSSKiB()
	disk0, _, err := b.storeBytes()
	if err != nil {
		return err
	}
	fmt.Printf("idle RSS with the machine created: %d KiB; store %d bytes\n", idle, disk0)

	var (
		mu  sync.Mutex
		lat []time.Duration
	)
	start := func(from, to int) (time.Duration, error) {
		t0 := time.Now()
		fails, first := loadgen.Each(b.cfg.conc, to-from, func(i int) error {
			s := time.Now()
			_, err := b.startExecution(machine, fmt.Sprintf("w%d", from+i), `{}`)
			if err == nil {
				mu.Lock()
				lat = append(lat, time.Since(s))
				mu.Unlock()
			}
			return err
		})
		if fails > 0 {
			return 0, fmt.Errorf("%d StartExecution failed, first: %w", fails, first)
		}
		return time.Since(t0), nil
	}
	if _, err := start(0, warm); err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	warmRSS := b.shoal.RSSKiB()
	fmt.Printf("RSS after the first %d started: %d KiB\n", warm, warmRSS)
	lat = lat[:0]
	took, err := start(warm, n)
	if err != nil {
		return err
	}
	slices.Sort(lat)
	fmt.Printf("StartExecution of %d more at c=%d: %v, %.0f starts/s, p50 %v, p99 %v, max %v\n",
		n-warm, b.cfg.conc, took.Round(time.Millisecond), float64(n-warm)/took.Seconds(),
		percentile(lat, 0.5).Round(time.Microsecond), percentile(lat, 0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	fmt.Printf("RSS right after the last start: %d KiB\n", b.shoal.RSSKiB())

	// Settle: let GC and the scavenger return what the burst of requests
	// used; print RSS now and then.
	t0 := time.Now()
	lowest := b.shoal.RSSKiB()
	var rss int64
	for time.Since(t0) < b.cfg.settle {
		time.Sleep(time.Second)
		rss = b.shoal.RSSKiB()
		lowest = min(lowest, rss)
		if s := int(time.Since(t0).Round(time.Second).Seconds()); s%10 == 0 {
			fmt.Printf("  RSS %2ds after: %d KiB\n", s, rss)
		}
	}
	disk1, diskNote, err := b.storeBytes()
	if err != nil {
		return err
	}
	fmt.Printf("RSS after %v settling: %d KiB (lowest seen %d KiB)\n", b.cfg.settle, rss, lowest)
	fmt.Printf("per waiting execution: (after - idle)/n = %.0f bytes; (after - after warm-up)/(n - warm) = %.0f bytes\n",
		float64(rss-idle)*1024/float64(n), float64(rss-warmRSS)*1024/float64(n-warm))
	fmt.Printf("store: %d bytes (%s); (after - before)/n = %.0f bytes\n", disk1, diskNote, float64(disk1-disk0)/float64(n))

	// Check from outside that they all wait, and time ListExecutions at n.
	t1 := time.Now()
	running, err := b.listExecutions(machine, "RUNNING")
	if err != nil {
		return err
	}
	listed := time.Since(t1)
	fmt.Printf("ListExecutions RUNNING, maxResults 1000: %d executions in %d pages, %v (%v a page)\n",
		len(running), (len(running)+999)/1000, listed.Round(time.Millisecond), (listed / time.Duration(max(1, (len(running)+999)/1000))).Round(time.Microsecond))
	if len(running) != n {
		fmt.Printf("!! %d RUNNING, want %d\n", len(running), n)
	}
	time.Sleep(2 * time.Second)
	fmt.Printf("RSS after listing: %d KiB\n", b.shoal.RSSKiB())
	return nil
}
