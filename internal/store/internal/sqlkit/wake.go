package sqlkit

import "sync"

// WakeHub fans commit notifications out to Wake subscribers. The zero
// value is ready to use. mu is never held while calling out.
type WakeHub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

// Subscribe implements store.Store.Wake.
func (h *WakeHub) Subscribe(queue string) (<-chan struct{}, func()) {
	// One buffered slot: a subscriber that is busy misses no wake-up, and
	// several commits while it is busy coalesce into one.
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[string]map[chan struct{}]struct{}{}
	}
	if h.subs[queue] == nil {
		h.subs[queue] = map[chan struct{}]struct{}{}
	}
	h.subs[queue][ch] = struct{}{}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(h.subs[queue], ch)
			if len(h.subs[queue]) == 0 {
				delete(h.subs, queue)
			}
		})
	}
}

// Notify wakes the subscribers of queue. It never blocks: it is called by
// the committer.
func (h *WakeHub) Notify(queue string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[queue] {
		poke(ch)
	}
}

// NotifyAll wakes every subscriber, after wake-ups may have been missed.
func (h *WakeHub) NotifyAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.subs {
		for ch := range subs {
			poke(ch)
		}
	}
}

// poke sends without blocking: a full slot already holds a wake-up.
func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
