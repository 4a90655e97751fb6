package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Tables. A state machine is a record keyed by its ARN (so a scan with the
// "arn:...:stateMachine:" prefix lists an account's machines in a region by
// name); its versions are records keyed "<machine ARN>:<version>".
// Executions, their histories and definitions belong to the engine.
const (
	tableMachine = "sfn.statemachine"
	tableVersion = "sfn.version"
)

// machineRecord is a state machine.
type machineRecord struct {
	ARN           string                   `json:"arn"`
	Name          string                   `json:"name"`
	Type          string                   `json:"type"`
	RoleARN       string                   `json:"roleArn"`
	Definition    string                   `json:"definition"`    // as the client sent it
	DefinitionKey string                   `json:"definitionKey"` // engine.DefinitionKey of it
	Logging       *LoggingConfiguration    `json:"logging,omitempty"`
	Tracing       *TracingConfiguration    `json:"tracing,omitempty"`
	Encryption    *EncryptionConfiguration `json:"encryption,omitempty"`
	Created       time.Time                `json:"created"`
	Updated       time.Time                `json:"updated"`
	RevisionID    string                   `json:"revisionId"`
	Tags          []Tag                    `json:"tags,omitempty"`
	// LastVersion is the number of the newest published version; version
	// numbers are never reused.
	LastVersion int64 `json:"lastVersion,omitempty"`

	rev int64 // the store record's version
}

// versionRecord is a published version: the revision it froze.
type versionRecord struct {
	ARN           string    `json:"arn"`
	Definition    string    `json:"definition"`
	DefinitionKey string    `json:"definitionKey"`
	RoleARN       string    `json:"roleArn"`
	RevisionID    string    `json:"revisionId"`
	Description   string    `json:"description,omitempty"`
	Created       time.Time `json:"created"`
}

func loadMachine(ctx context.Context, tx store.Tx, arn string) (*machineRecord, error) {
	r, err := tx.RecordGet(ctx, tableMachine, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sfn: read state machine: %w", err)
	}
	var m machineRecord
	if err := json.Unmarshal(r.Value, &m); err != nil {
		return nil, fmt.Errorf("sfn: decode state machine %s: %w", arn, err)
	}
	m.rev = r.Version
	return &m, nil
}

// saveMachine writes m back guarded by the version it was read at; a
// concurrent change is a ConflictException.
func saveMachine(ctx context.Context, tx store.Tx, m *machineRecord) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("sfn: encode state machine: %w", err)
	}
	r := &store.Record{Table: tableMachine, Key: m.ARN, Value: b, Version: m.rev}
	if m.rev == 0 {
		err = tx.RecordInsert(ctx, r)
	} else {
		err = tx.RecordPut(ctx, r)
	}
	if errors.Is(err, store.ErrConflict) || (m.rev != 0 && errors.Is(err, store.ErrNotFound)) {
		return errConflict(m.ARN)
	}
	if err != nil {
		return fmt.Errorf("sfn: write state machine: %w", err)
	}
	m.rev = r.Version
	return nil
}

func putVersion(ctx context.Context, tx store.Tx, v *versionRecord) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sfn: encode version: %w", err)
	}
	if err := tx.RecordInsert(ctx, &store.Record{Table: tableVersion, Key: v.ARN, Value: b}); err != nil {
		return fmt.Errorf("sfn: write version: %w", err)
	}
	return nil
}
