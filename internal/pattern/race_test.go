package pattern

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestConcurrentMatchAndUpdate runs Match while writers add and remove
// patterns; with -race it checks that readers take no lock and see a whole
// automaton.
func TestConcurrentMatchAndUpdate(t *testing.T) {
	m := NewMatcher()
	m.Add("seed", mustCompile(t, seedPattern))
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				id := fmt.Sprintf("w%d-%d", w, i)
				m.Add(id, mustCompile(t, fmt.Sprintf(`{"detail":{"eventName":["Op%d"]}}`, i)))
				if i%2 == 0 {
					m.Remove(id)
				}
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				ids, err := m.Match([]byte(seedEvent))
				if err != nil || !slices.Contains(ids, "seed") {
					t.Errorf("Match = %v, %v", ids, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
