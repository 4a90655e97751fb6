package postgres

import "sync"

// wakeHub fans commit notifications out to Wake subscribers.
type wakeHub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

func (h *wakeHub) subscribe(queue string) (<-chan struct{}, func()) {
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

// notify never blocks: it is called by the committer.
func (h *wakeHub) notify(queue string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[queue] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// notifyAll wakes every subscriber, after wake-ups may have been missed.
func (h *wakeHub) notifyAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.subs {
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
