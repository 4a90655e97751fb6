package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Aliases ("State machine aliases" in the developer guide): a name that
// routes StartExecution to one version, or splits it between two by
// weight. Their records are "sfn.alias" keyed by the alias ARN
// (<machine ARN>:<name>).

const tableAlias = "sfn.alias"

// maxAliases is AWS's quota: "You can create up to 100 aliases for each
// state machine" (CreateStateMachineAlias's reference).
const maxAliases = 100

// aliasName is the model's CharacterRestrictedName pattern,
// ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$, without the lookahead Go's
// regexp lacks: the name also needs a character that is not a digit, so it
// can never be read as a version number.
var aliasName = regexp.MustCompile(`^[a-zA-Z0-9_\-.]+$`)

const aliasNamePattern = `^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`

// RoutingConfigurationListItem is one version an alias routes to.
type RoutingConfigurationListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn" aws:"required,min=1,max=256"`
	Weight                 int32  `json:"weight" aws:"min=0,max=100"`
}

type CreateStateMachineAliasInput struct {
	Description          *string                        `json:"description,omitempty" aws:"max=256"`
	Name                 string                         `json:"name" aws:"required,min=1,max=80"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration" aws:"required,min=1,max=2"`
}

type CreateStateMachineAliasOutput struct {
	StateMachineAliasArn string    `json:"stateMachineAliasArn"`
	CreationDate         time.Time `json:"creationDate"`
}

type DescribeStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn" aws:"required,min=1,max=256"`
}

type DescribeStateMachineAliasOutput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn,omitempty"`
	Name                 string                         `json:"name,omitempty"`
	Description          string                         `json:"description,omitempty"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration,omitempty"`
	CreationDate         time.Time                      `json:"creationDate,omitzero"`
	UpdateDate           time.Time                      `json:"updateDate,omitzero"`
}

type UpdateStateMachineAliasInput struct {
	StateMachineAliasArn string                         `json:"stateMachineAliasArn" aws:"required,min=1,max=256"`
	Description          *string                        `json:"description,omitempty" aws:"max=256"`
	RoutingConfiguration []RoutingConfigurationListItem `json:"routingConfiguration,omitempty" aws:"min=1,max=2"`
}

type UpdateStateMachineAliasOutput struct {
	UpdateDate time.Time `json:"updateDate"`
}

type DeleteStateMachineAliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn" aws:"required,min=1,max=256"`
}

type DeleteStateMachineAliasOutput struct{}

type ListStateMachineAliasesInput struct {
	StateMachineArn string `json:"stateMachineArn" aws:"required,min=1,max=256"`
	NextToken       string `json:"nextToken,omitempty" aws:"min=1,max=1024"`
	MaxResults      int32  `json:"maxResults,omitempty" aws:"min=0,max=1000"`
}

// StateMachineAliasListItem is one alias in ListStateMachineAliases.
type StateMachineAliasListItem struct {
	StateMachineAliasArn string    `json:"stateMachineAliasArn"`
	CreationDate         time.Time `json:"creationDate"`
}

type ListStateMachineAliasesOutput struct {
	StateMachineAliases []StateMachineAliasListItem `json:"stateMachineAliases"`
	NextToken           string                      `json:"nextToken,omitempty"`
}

// aliasRecord is an alias.
type aliasRecord struct {
	ARN         string                         `json:"arn"`
	Name        string                         `json:"name"`
	Description string                         `json:"description,omitempty"`
	Routing     []RoutingConfigurationListItem `json:"routing"`
	Created     time.Time                      `json:"created"`
	Updated     time.Time                      `json:"updated"`
}

func (a *aliasRecord) routesTo(versionARN string) bool {
	for _, r := range a.Routing {
		if r.StateMachineVersionArn == versionARN {
			return true
		}
	}
	return false
}

// pick chooses the version for a draw in [0, 100): the first version takes
// draws below its weight, the second the rest.
func (a *aliasRecord) pick(draw int) string {
	if len(a.Routing) == 1 || draw < int(a.Routing[0].Weight) {
		return a.Routing[0].StateMachineVersionArn
	}
	return a.Routing[1].StateMachineVersionArn
}

// aliasARNOf splits an alias ARN (<machine ARN>:<name>, the name not a
// version number) into its state machine ARN and name.
func aliasARNOf(arn string) (machine, name string, ok bool) {
	p, ok := parseARN(arn)
	if !ok || p.kind != "stateMachine" || p.sub == "" || !validAliasName(p.sub) {
		return "", "", false
	}
	return arn[:strings.LastIndexByte(arn, ':')], p.sub, true
}

func validAliasName(name string) bool {
	return aliasName.MatchString(name) && strings.Trim(name, "0123456789") != ""
}

func loadAlias(ctx context.Context, tx store.Tx, arn string) (*aliasRecord, error) {
	r, err := tx.RecordGet(ctx, tableAlias, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sfn: read alias: %w", err)
	}
	var a aliasRecord
	if err := json.Unmarshal(r.Value, &a); err != nil {
		return nil, fmt.Errorf("sfn: decode alias %s: %w", arn, err)
	}
	return &a, nil
}

func putAlias(ctx context.Context, tx store.Tx, a *aliasRecord) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("sfn: encode alias: %w", err)
	}
	if err := tx.RecordPut(ctx, &store.Record{Table: tableAlias, Key: a.ARN, Value: b}); err != nil {
		return fmt.Errorf("sfn: write alias: %w", err)
	}
	return nil
}

// aliasesOf lists a state machine's aliases, newest first (ties by ARN).
// A machine has at most maxAliases.
func aliasesOf(ctx context.Context, tx store.Tx, machineARN string) ([]*aliasRecord, error) {
	recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableAlias, Prefix: machineARN + ":"})
	if err != nil {
		return nil, fmt.Errorf("sfn: list aliases: %w", err)
	}
	out := make([]*aliasRecord, 0, len(recs))
	for _, r := range recs {
		var a aliasRecord
		if err := json.Unmarshal(r.Value, &a); err != nil {
			return nil, fmt.Errorf("sfn: decode alias %s: %w", r.Key, err)
		}
		out = append(out, &a)
	}
	slices.SortFunc(out, func(a, b *aliasRecord) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ARN, b.ARN)
	})
	return out, nil
}

// deleteAliases removes a state machine's aliases (DeleteStateMachine).
func deleteAliases(ctx context.Context, tx store.Tx, machineARN string) error {
	as, err := aliasesOf(ctx, tx, machineARN)
	if err != nil {
		return err
	}
	for _, a := range as {
		if err := tx.RecordDelete(ctx, tableAlias, a.ARN); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("sfn: delete alias: %w", err)
		}
	}
	return nil
}

// checkRouting validates a routing configuration as far as it can without
// the store and returns the state machine ARN its versions belong to.
func checkRouting(rc []RoutingConfigurationListItem) (string, error) {
	machine, sum := "", 0
	for i, r := range rc {
		m, _, ok := versionARNOf(r.StateMachineVersionArn)
		if !ok {
			return "", errInvalidArn(r.StateMachineVersionArn)
		}
		if i == 0 {
			machine = m
		} else if m != machine {
			return "", errValidationReason("INVALID_ROUTING_CONFIGURATION", "Routing configuration must contain versions of the same state machine")
		} else if r.StateMachineVersionArn == rc[0].StateMachineVersionArn {
			return "", errValidationReason("INVALID_ROUTING_CONFIGURATION", "Routing configuration must contain distinct state machine versions")
		}
		sum += int(r.Weight)
	}
	if sum != 100 {
		return "", errValidationReason("INVALID_ROUTING_CONFIGURATION", fmt.Sprintf("Sum of routing configuration weights must equal 100, but was %d", sum))
	}
	return machine, nil
}

// checkVersionsExist: an alias may only route to published versions.
func checkVersionsExist(ctx context.Context, tx store.Tx, rc []RoutingConfigurationListItem) error {
	for _, r := range rc {
		v, err := loadVersion(ctx, tx, r.StateMachineVersionArn)
		if err != nil {
			return err
		}
		if v == nil {
			return errResourceNotFound(r.StateMachineVersionArn)
		}
	}
	return nil
}

func (s *Service) CreateStateMachineAlias(ctx context.Context, in *CreateStateMachineAliasInput) (*CreateStateMachineAliasOutput, error) {
	if !validAliasName(in.Name) {
		return nil, errValidation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", in.Name, aliasNamePattern)
	}
	machineARN, err := checkRouting(in.RoutingConfiguration)
	if err != nil {
		return nil, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	arn := machineARN + ":" + in.Name
	now := s.clock.Now()
	var out *CreateStateMachineAliasOutput
	err = s.st.Update(ctx, func(tx store.Tx) error {
		m, err := loadMachine(ctx, tx, machineARN)
		if err != nil {
			return err
		}
		if m == nil {
			return errResourceNotFound(machineARN)
		}
		if err := checkVersionsExist(ctx, tx, in.RoutingConfiguration); err != nil {
			return err
		}
		as, err := aliasesOf(ctx, tx, machineARN)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.ARN != arn {
				continue
			}
			// Idempotent on name, description and routing, as the
			// reference says; anything else is a conflict.
			if a.Description == desc && slices.Equal(a.Routing, in.RoutingConfiguration) {
				out = &CreateStateMachineAliasOutput{StateMachineAliasArn: arn, CreationDate: a.Created}
				return nil
			}
			return errConflictMsg(fmt.Sprintf("Failed to create alias because an alias with the same name and a different routing configuration already exists: '%s'", arn))
		}
		if len(as) >= maxAliases {
			return errServiceQuotaExceeded(fmt.Sprintf("The state machine '%s' has %d aliases, the most it may have", machineARN, maxAliases))
		}
		a := &aliasRecord{ARN: arn, Name: in.Name, Description: desc, Routing: in.RoutingConfiguration, Created: now, Updated: now}
		out = &CreateStateMachineAliasOutput{StateMachineAliasArn: arn, CreationDate: now}
		return putAlias(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// alias reads the alias an ARN names, with AWS's errors.
func (s *Service) alias(ctx context.Context, tx store.Tx, arn string) (*aliasRecord, error) {
	if _, _, ok := aliasARNOf(arn); !ok {
		return nil, errInvalidArn(arn)
	}
	a, err := loadAlias(ctx, tx, arn)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, errResourceNotFound(arn)
	}
	return a, nil
}

func (s *Service) DescribeStateMachineAlias(ctx context.Context, in *DescribeStateMachineAliasInput) (*DescribeStateMachineAliasOutput, error) {
	var a *aliasRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		a, err = s.alias(ctx, tx, in.StateMachineAliasArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &DescribeStateMachineAliasOutput{
		StateMachineAliasArn: a.ARN, Name: a.Name, Description: a.Description, RoutingConfiguration: a.Routing,
		CreationDate: a.Created, UpdateDate: a.Updated,
	}, nil
}

func (s *Service) UpdateStateMachineAlias(ctx context.Context, in *UpdateStateMachineAliasInput) (*UpdateStateMachineAliasOutput, error) {
	machineARN, _, ok := aliasARNOf(in.StateMachineAliasArn)
	if !ok {
		return nil, errInvalidArn(in.StateMachineAliasArn)
	}
	if in.Description == nil && in.RoutingConfiguration == nil {
		return nil, errValidationReason("MISSING_REQUIRED_PARAMETER", "Either the description or the routingConfiguration must be specified")
	}
	if in.RoutingConfiguration != nil {
		m, err := checkRouting(in.RoutingConfiguration)
		if err != nil {
			return nil, err
		}
		if m != machineARN {
			return nil, errValidationReason("INVALID_ROUTING_CONFIGURATION", fmt.Sprintf("Routing configuration must contain versions of the alias's state machine '%s'", machineARN))
		}
	}
	now := s.clock.Now()
	out := &UpdateStateMachineAliasOutput{}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		a, err := s.alias(ctx, tx, in.StateMachineAliasArn)
		if err != nil {
			return err
		}
		changed := false
		if in.Description != nil && *in.Description != a.Description {
			a.Description, changed = *in.Description, true
		}
		if in.RoutingConfiguration != nil && !slices.Equal(in.RoutingConfiguration, a.Routing) {
			if err := checkVersionsExist(ctx, tx, in.RoutingConfiguration); err != nil {
				return err
			}
			a.Routing, changed = in.RoutingConfiguration, true
		}
		if !changed {
			// Idempotent: the same configuration again changes nothing.
			out.UpdateDate = a.Updated
			return nil
		}
		a.Updated, out.UpdateDate = now, now
		return putAlias(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) DeleteStateMachineAlias(ctx context.Context, in *DeleteStateMachineAliasInput) (*DeleteStateMachineAliasOutput, error) {
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.alias(ctx, tx, in.StateMachineAliasArn); err != nil {
			return err
		}
		if err := tx.RecordDelete(ctx, tableAlias, in.StateMachineAliasArn); err != nil {
			return fmt.Errorf("sfn: delete alias: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteStateMachineAliasOutput{}, nil
}

func (s *Service) ListStateMachineAliases(ctx context.Context, in *ListStateMachineAliasesInput) (*ListStateMachineAliasesOutput, error) {
	// The ARN is a state machine's (all its aliases) or a version's (the
	// aliases routing to it).
	machineARN, version := in.StateMachineArn, ""
	if _, ok := machineARNOf(in.StateMachineArn); !ok {
		m, _, ok := versionARNOf(in.StateMachineArn)
		if !ok {
			return nil, errInvalidArn(in.StateMachineArn)
		}
		machineARN, version = m, in.StateMachineArn
	}
	after, err := decodeToken("ListStateMachineAliases", in.NextToken)
	if err != nil {
		return nil, err
	}
	if after != "" && !strings.HasPrefix(after, machineARN+":") {
		return nil, errInvalidToken()
	}
	limit := pageSize(in.MaxResults)
	out := &ListStateMachineAliasesOutput{StateMachineAliases: []StateMachineAliasListItem{}}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = ListStateMachineAliasesOutput{StateMachineAliases: []StateMachineAliasListItem{}} // fn may run twice (store.View)
		if _, err := s.machineFor(ctx, tx, machineARN); err != nil {
			return err
		}
		if version != "" {
			v, err := loadVersion(ctx, tx, version)
			if err != nil {
				return err
			}
			if v == nil {
				return errResourceNotFound(version)
			}
		}
		as, err := aliasesOf(ctx, tx, machineARN)
		if err != nil {
			return err
		}
		skipping := after != ""
		for _, a := range as {
			if skipping {
				skipping = a.ARN != after
				continue
			}
			if version != "" && !a.routesTo(version) {
				continue
			}
			if len(out.StateMachineAliases) == limit {
				out.NextToken = encodeToken("ListStateMachineAliases", out.StateMachineAliases[limit-1].StateMachineAliasArn)
				break
			}
			out.StateMachineAliases = append(out.StateMachineAliases, StateMachineAliasListItem{StateMachineAliasArn: a.ARN, CreationDate: a.Created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
