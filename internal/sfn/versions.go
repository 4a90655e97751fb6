package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store"
)

// Versions ("State machine versions" in the developer guide): immutable
// snapshots of a state machine's revision, numbered from 1 and never
// renumbered, at most maxVersions per state machine. Their records are
// "sfn.version" keyed by the version ARN (<machine ARN>:<n>).

// maxVersions is AWS's quota: "You can publish up to 1000 versions for each
// state machine" (PublishStateMachineVersion's reference).
const maxVersions = 1000

// revisionInitial is the revisionId a client passes to publish a state
// machine that was never updated (PublishStateMachineVersion's reference).
const revisionInitial = "INITIAL"

type PublishStateMachineVersionInput struct {
	StateMachineArn string `json:"stateMachineArn" aws:"required,min=1,max=256"`
	RevisionID      string `json:"revisionId,omitempty"`
	Description     string `json:"description,omitempty" aws:"max=256"`
}

type PublishStateMachineVersionOutput struct {
	CreationDate           time.Time `json:"creationDate"`
	StateMachineVersionArn string    `json:"stateMachineVersionArn"`
}

type ListStateMachineVersionsInput struct {
	StateMachineArn string `json:"stateMachineArn" aws:"required,min=1,max=256"`
	NextToken       string `json:"nextToken,omitempty" aws:"min=1,max=1024"`
	MaxResults      int32  `json:"maxResults,omitempty" aws:"min=0,max=1000"`
}

// StateMachineVersionListItem is one version in ListStateMachineVersions.
type StateMachineVersionListItem struct {
	StateMachineVersionArn string    `json:"stateMachineVersionArn"`
	CreationDate           time.Time `json:"creationDate"`
}

type ListStateMachineVersionsOutput struct {
	StateMachineVersions []StateMachineVersionListItem `json:"stateMachineVersions"`
	NextToken            string                        `json:"nextToken,omitempty"`
}

type DeleteStateMachineVersionInput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn" aws:"required,min=1,max=2000"`
}

type DeleteStateMachineVersionOutput struct{}

// versionARNOf splits a version ARN (<machine ARN>:<n>, n ≥ 1) into its
// state machine ARN and number.
func versionARNOf(arn string) (machine string, n int64, ok bool) {
	p, ok := parseARN(arn)
	if !ok || p.kind != "stateMachine" || p.sub == "" {
		return "", 0, false
	}
	n, err := strconv.ParseInt(p.sub, 10, 64)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != p.sub {
		return "", 0, false
	}
	return arn[:strings.LastIndexByte(arn, ':')], n, true
}

func loadVersion(ctx context.Context, tx store.Tx, arn string) (*versionRecord, error) {
	r, err := tx.RecordGet(ctx, tableVersion, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sfn: read version: %w", err)
	}
	var v versionRecord
	if err := json.Unmarshal(r.Value, &v); err != nil {
		return nil, fmt.Errorf("sfn: decode version %s: %w", arn, err)
	}
	return &v, nil
}

// versionsOf lists a state machine's versions, newest (highest number)
// first. A machine has at most maxVersions, so reading them all is cheap.
func versionsOf(ctx context.Context, tx store.Tx, machineARN string) ([]*versionRecord, error) {
	recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableVersion, Prefix: machineARN + ":"})
	if err != nil {
		return nil, fmt.Errorf("sfn: list versions: %w", err)
	}
	out := make([]*versionRecord, 0, len(recs))
	for _, r := range recs {
		if _, _, ok := versionARNOf(r.Key); !ok {
			continue
		}
		var v versionRecord
		if err := json.Unmarshal(r.Value, &v); err != nil {
			return nil, fmt.Errorf("sfn: decode version %s: %w", r.Key, err)
		}
		out = append(out, &v)
	}
	slices.SortFunc(out, func(a, b *versionRecord) int { return int(versionNumber(b.ARN) - versionNumber(a.ARN)) })
	return out, nil
}

func versionNumber(arn string) int64 {
	_, n, _ := versionARNOf(arn)
	return n
}

// publish makes a version of m's current revision inside the caller's
// transaction, or returns the version that already froze this revision
// (PublishStateMachineVersion is idempotent: "It doesn't create a
// duplicate state machine version if it already exists for the current
// revision"). It saves nothing of m but its LastVersion counter.
func (s *Service) publish(ctx context.Context, tx store.Tx, m *machineRecord, description string, now time.Time) (*versionRecord, error) {
	vs, err := versionsOf(ctx, tx, m.ARN)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.RevisionID == m.RevisionID {
			return v, nil
		}
	}
	if len(vs) >= maxVersions {
		return nil, errServiceQuotaExceeded(fmt.Sprintf("The state machine '%s' has %d versions, the most it may have; delete unused versions with DeleteStateMachineVersion", m.ARN, maxVersions))
	}
	m.LastVersion++
	v := &versionRecord{
		ARN: m.ARN + ":" + strconv.FormatInt(m.LastVersion, 10), Definition: m.Definition, DefinitionKey: m.DefinitionKey,
		RoleARN: m.RoleARN, RevisionID: m.RevisionID, Description: description, Created: now,
	}
	if err := putVersion(ctx, tx, v); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) PublishStateMachineVersion(ctx context.Context, in *PublishStateMachineVersionInput) (*PublishStateMachineVersionOutput, error) {
	if _, ok := machineARNOf(in.StateMachineArn); !ok {
		return nil, errInvalidArn(in.StateMachineArn)
	}
	now := s.clock.Now()
	var out *PublishStateMachineVersionOutput
	err := s.st.Update(ctx, func(tx store.Tx) error {
		m, err := s.machineFor(ctx, tx, in.StateMachineArn)
		if err != nil {
			return err
		}
		if in.RevisionID != "" && in.RevisionID != m.RevisionID {
			// INITIAL names the revision CreateStateMachine made. shoal
			// tells it by the machine never having been updated; under a
			// manual clock an update at the creation instant looks
			// unchanged, which no real client can observe.
			if in.RevisionID != revisionInitial || !m.Updated.Equal(m.Created) {
				return errConflictMsg(fmt.Sprintf("Failed to publish the state machine version: the revision ID '%s' does not match the current revision ID '%s' of '%s'", in.RevisionID, m.RevisionID, m.ARN))
			}
		}
		last := m.LastVersion
		v, err := s.publish(ctx, tx, m, in.Description, now)
		if err != nil {
			return err
		}
		out = &PublishStateMachineVersionOutput{CreationDate: v.Created, StateMachineVersionArn: v.ARN}
		if m.LastVersion == last {
			return nil // the revision was published already: change nothing
		}
		return saveMachine(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) ListStateMachineVersions(ctx context.Context, in *ListStateMachineVersionsInput) (*ListStateMachineVersionsOutput, error) {
	if _, ok := machineARNOf(in.StateMachineArn); !ok {
		return nil, errInvalidArn(in.StateMachineArn)
	}
	after, err := decodeToken("ListStateMachineVersions", in.NextToken)
	if err != nil {
		return nil, err
	}
	var below int64 // the page starts below this version number (0: at the top)
	if after != "" {
		machine, n, ok := versionARNOf(after)
		if !ok || machine != in.StateMachineArn {
			return nil, errInvalidToken()
		}
		below = n
	}
	limit := pageSize(in.MaxResults)
	out := &ListStateMachineVersionsOutput{StateMachineVersions: []StateMachineVersionListItem{}}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = ListStateMachineVersionsOutput{StateMachineVersions: []StateMachineVersionListItem{}} // fn may run twice (store.View)
		// The model lists no StateMachineDoesNotExist here: a machine that
		// is not there has no versions.
		vs, err := versionsOf(ctx, tx, in.StateMachineArn)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if below != 0 && versionNumber(v.ARN) >= below {
				continue
			}
			if len(out.StateMachineVersions) == limit {
				out.NextToken = encodeToken("ListStateMachineVersions", out.StateMachineVersions[limit-1].StateMachineVersionArn)
				break
			}
			out.StateMachineVersions = append(out.StateMachineVersions, StateMachineVersionListItem{StateMachineVersionArn: v.ARN, CreationDate: v.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) DeleteStateMachineVersion(ctx context.Context, in *DeleteStateMachineVersionInput) (*DeleteStateMachineVersionOutput, error) {
	machine, _, ok := versionARNOf(in.StateMachineVersionArn)
	if !ok {
		return nil, errInvalidArn(in.StateMachineVersionArn)
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		as, err := aliasesOf(ctx, tx, machine)
		if err != nil {
			return err
		}
		var using []string
		for _, a := range as {
			if a.routesTo(in.StateMachineVersionArn) {
				using = append(using, a.Name)
			}
		}
		if len(using) > 0 {
			return errConflictMsg(fmt.Sprintf("Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]", strings.Join(using, ", ")))
		}
		// Running executions of the version finish: they hold its
		// definition by content key, not the version record.
		if err := tx.RecordDelete(ctx, tableVersion, in.StateMachineVersionArn); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("sfn: delete version: %w", err)
		}
		return nil // deleting a version that is not there succeeds (the model lists no not-found error)
	})
	if err != nil {
		return nil, err
	}
	return &DeleteStateMachineVersionOutput{}, nil
}

// target is what a StartExecution (or StartSyncExecution) runs: the state
// machine, and the definition and role of the revision, version or alias
// the ARN names.
type target struct {
	m             *machineRecord // shared (machineCache): read only
	definitionKey string
	roleARN       string
	versionARN    string // set when started through a version or alias
	aliasARN      string // set when started through an alias
}

// routingDraw is the number in [0, 100) that picks an alias's version for a
// request. AWS says only that it "randomly chooses"; shoal draws from a
// PCG seeded with the request id (the x-amzn-RequestId it answers with, or
// the in-process caller's), so a request's choice is reproducible from its
// id — a test or a log can tell which version a request got — and over
// many requests the split follows the weights. There is no shared random
// state to lock.
func routingDraw(ctx context.Context) int {
	h := fnv.New64a()
	h.Write([]byte(dispatch.RequestIDFrom(ctx)))
	seed := h.Sum64()
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).IntN(100)
}

// resolveTarget reads what a state machine ARN names: the machine itself
// (its current revision), one of its versions, or an alias (whose routing
// picks a version with draw, a number in [0, 100)).
func (s *Service) resolveTarget(ctx context.Context, tx store.Tx, arn string, draw int) (*target, error) {
	p, ok := parseARN(arn)
	if !ok || p.kind != "stateMachine" {
		return nil, errInvalidArn(arn)
	}
	if strings.Contains(p.name, "/") {
		// machine/label names a Distributed Map state, which
		// StartExecution rejects (its reference says so).
		return nil, errValidation("The state machine ARN '%s' names a Distributed Map state; start the state machine itself", arn)
	}
	if p.sub == "" {
		if _, ok := machineARNOf(arn); !ok {
			return nil, errInvalidArn(arn)
		}
		m, err := s.machines.get(ctx, tx, arn)
		if err != nil {
			return nil, err
		}
		return &target{m: m, definitionKey: m.DefinitionKey, roleARN: m.RoleARN}, nil
	}
	machineARN := arn[:strings.LastIndexByte(arn, ':')]
	m, err := loadMachine(ctx, tx, machineARN)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errStateMachineDoesNotExist(arn)
	}
	t := &target{m: m}
	versionARN := arn
	if _, _, isVersion := versionARNOf(arn); !isVersion {
		a, err := loadAlias(ctx, tx, arn)
		if err != nil {
			return nil, err
		}
		if a == nil {
			return nil, errStateMachineDoesNotExist(arn)
		}
		t.aliasARN, versionARN = arn, a.pick(draw)
	}
	v, err := loadVersion(ctx, tx, versionARN)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errStateMachineDoesNotExist(versionARN)
	}
	t.versionARN, t.definitionKey, t.roleARN = v.ARN, v.DefinitionKey, v.RoleARN
	return t, nil
}

// sameTarget checks, inside StartExecution's transaction, that arn still
// names the target t the execution was prepared for, else errMachineChanged.
// A machine ARN whose record has the version t was read at is unchanged
// without decoding the record again (this runs on the store's one writer);
// otherwise the target is resolved anew and compared.
func (s *Service) sameTarget(ctx context.Context, tx store.Tx, arn string, draw int, t *target) error {
	if t.versionARN == "" && t.aliasARN == "" {
		r, err := tx.RecordGet(ctx, tableMachine, arn)
		if err == nil && r.Version == t.m.rev {
			return nil
		}
	}
	cur, err := s.resolveTarget(ctx, tx, arn, draw)
	if err != nil {
		return err
	}
	if cur.definitionKey != t.definitionKey || cur.roleARN != t.roleARN || cur.versionARN != t.versionARN {
		return errMachineChanged
	}
	return nil
}

// describeVersion is DescribeStateMachine on a version ARN: "If you
// specify a state machine version ARN, this API returns details about that
// version" — its definition, role, revision and description; logging and
// tracing are the machine's.
func (s *Service) describeVersion(ctx context.Context, arn string) (*DescribeStateMachineOutput, error) {
	machineARN, _, _ := versionARNOf(arn)
	var out *DescribeStateMachineOutput
	err := s.st.View(ctx, func(tx store.Tx) error {
		m, err := loadMachine(ctx, tx, machineARN)
		if err != nil {
			return err
		}
		v, err := loadVersion(ctx, tx, arn)
		if err != nil {
			return err
		}
		if m == nil || v == nil {
			return errStateMachineDoesNotExist(arn)
		}
		out = &DescribeStateMachineOutput{
			StateMachineArn: v.ARN, Name: m.Name, Status: StatusActive, Definition: v.Definition, RoleArn: v.RoleARN,
			Type: m.Type, CreationDate: v.Created, LoggingConfiguration: loggingOut(m.Logging),
			TracingConfiguration: tracingOut(m.Tracing), RevisionID: v.RevisionID, Description: v.Description,
			EncryptionConfiguration: m.Encryption,
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
