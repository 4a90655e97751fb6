package sfn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/shoal-dev/shoal/internal/store"
)

// machineCache keeps the decoded record of the state machines
// StartExecution targets, so a start reads the machine's record (from the
// store's record cache, usually) but does not decode its JSON again. An
// entry is used only while the stored bytes are exactly the ones it was
// decoded from, so it can never be stale; the record version alone would
// not do, since a machine deleted and created again starts over at 1.
//
// What it returns is shared between requests and must not be changed.
type machineCache struct {
	mu sync.Mutex
	m  map[string]*decodedMachine // by machine ARN
}

type decodedMachine struct {
	raw []byte
	m   *machineRecord
}

// maxCachedMachines bounds the cache; past it, the cache starts over.
const maxCachedMachines = 1024

// get reads the machine at arn inside tx; a missing machine is
// StateMachineDoesNotExist.
func (c *machineCache) get(ctx context.Context, tx store.Tx, arn string) (*machineRecord, error) {
	r, err := tx.RecordGet(ctx, tableMachine, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errStateMachineDoesNotExist(arn)
	}
	if err != nil {
		return nil, fmt.Errorf("sfn: read state machine: %w", err)
	}
	c.mu.Lock()
	d := c.m[arn]
	c.mu.Unlock()
	if d != nil && bytes.Equal(d.raw, r.Value) && d.m.rev == r.Version {
		return d.m, nil
	}
	var m machineRecord
	if err := json.Unmarshal(r.Value, &m); err != nil {
		return nil, fmt.Errorf("sfn: decode state machine %s: %w", arn, err)
	}
	m.rev = r.Version
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedMachines {
		c.m = map[string]*decodedMachine{}
	}
	c.m[arn] = &decodedMachine{raw: r.Value, m: &m}
	c.mu.Unlock()
	return &m, nil
}
