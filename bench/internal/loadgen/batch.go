package loadgen

import (
	"sync"
	"sync/atomic"
)

// Each calls do(i) once for every i in [0, n) from conc workers, handing
// out i in increasing order, and returns how many calls failed and the
// first error. Unlike Run it does a fixed amount of work, not work for a
// fixed time.
func Each(conc, n int, do func(i int) error) (failures int, first error) {
	var (
		next atomic.Int64
		mu   sync.Mutex
		wg   sync.WaitGroup
	)
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := do(i); err != nil {
					mu.Lock()
					failures++
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return failures, first
}
