package events

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
	"github.com/shoal-dev/shoal/internal/store"
)

// checkTarget is PutTargets' validation of one target, in AWS's words.
func checkTarget(t *Target) error {
	if err := checkRuleName(t.Id, "targets.member.id"); err != nil {
		return err
	}
	n := 0
	for _, set := range []bool{t.Input != nil, t.InputPath != nil, t.InputTransformer != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errValidation("Only one of Input, InputPath, or InputTransformer must be provided for target %s.", t.Id)
	}
	if t.Input != nil && !json.Valid([]byte(*t.Input)) {
		return errValidation("Input is not a valid JSON text for target %s.", t.Id)
	}
	if t.InputPath != nil {
		if _, err := jsonpath.Parse(*t.InputPath); err != nil {
			return errValidation("InputPath is not a valid JSONPath for target %s.", t.Id)
		}
	}
	if t.InputTransformer != nil {
		if err := checkTransformer(t.Id, t.InputTransformer); err != nil {
			return err
		}
	}
	if !strings.HasPrefix(t.Arn, "arn:") {
		return errValidation("Parameter %s is not valid.", t.Arn)
	}
	return nil
}

// PutTargets adds targets to a rule or replaces those with the same Id. A
// rule has at most five targets: more fail the whole request with
// LimitExceededException, as on AWS.
func (s *Service) PutTargets(ctx context.Context, in *PutTargetsInput) (*PutTargetsOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkRuleName(in.Rule, "rule"); err != nil {
		return nil, err
	}
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	for i := range in.Targets {
		if err := checkTarget(&in.Targets[i]); err != nil {
			return nil, err
		}
	}
	return update(ctx, s.st, func(tx store.Tx) (*PutTargetsOutput, error) {
		r, err := s.ruleOn(ctx, tx, sc, bus, in.Rule)
		if err != nil {
			return nil, err
		}
		if r.ManagedBy != "" {
			return nil, errManagedRule(in.Rule)
		}
		targets := slices.Clone(r.Targets)
		for _, t := range in.Targets {
			i := slices.IndexFunc(targets, func(x Target) bool { return x.Id == t.Id })
			if i >= 0 {
				targets[i] = t
			} else {
				targets = append(targets, t)
			}
		}
		if len(targets) > maxTargetsPerRule {
			return nil, errLimitExceeded()
		}
		r.Targets = targets
		if err := putRule(ctx, tx, sc, r); err != nil {
			return nil, err
		}
		return &PutTargetsOutput{FailedEntries: []TargetResultEntry{}}, nil
	})
}

// RemoveTargets removes targets from a rule; ids the rule does not have
// are ignored.
func (s *Service) RemoveTargets(ctx context.Context, in *RemoveTargetsInput) (*RemoveTargetsOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkRuleName(in.Rule, "rule"); err != nil {
		return nil, err
	}
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	return update(ctx, s.st, func(tx store.Tx) (*RemoveTargetsOutput, error) {
		r, err := s.ruleOn(ctx, tx, sc, bus, in.Rule)
		if err != nil {
			return nil, err
		}
		if r.ManagedBy != "" && !in.Force {
			return nil, errManagedRule(in.Rule)
		}
		r.Targets = slices.DeleteFunc(r.Targets, func(t Target) bool { return slices.Contains(in.Ids, t.Id) })
		if err := putRule(ctx, tx, sc, r); err != nil {
			return nil, err
		}
		return &RemoveTargetsOutput{FailedEntries: []TargetResultEntry{}}, nil
	})
}

// ListTargetsByRule lists a rule's targets in the order they were added.
func (s *Service) ListTargetsByRule(ctx context.Context, in *ListTargetsByRuleInput) (*ListTargetsByRuleOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkRuleName(in.Rule, "rule"); err != nil {
		return nil, err
	}
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	after, err := decodeToken("ListTargetsByRule", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListTargetsByRuleOutput, error) {
		r, err := s.ruleOn(ctx, tx, sc, bus, in.Rule)
		if err != nil {
			return nil, err
		}
		start := 0
		if after != "" {
			start = slices.IndexFunc(r.Targets, func(t Target) bool { return t.Id == after }) + 1
		}
		out := &ListTargetsByRuleOutput{Targets: []Target{}}
		for _, t := range r.Targets[start:] {
			if len(out.Targets) == limit {
				out.NextToken = encodeToken("ListTargetsByRule", out.Targets[limit-1].Id)
				break
			}
			out.Targets = append(out.Targets, t)
		}
		return out, nil
	})
}

// ListRuleNamesByTarget lists the rules of a bus that have a target with
// the ARN.
func (s *Service) ListRuleNamesByTarget(ctx context.Context, in *ListRuleNamesByTargetInput) (*ListRuleNamesByTargetOutput, error) {
	sc := scopeFrom(ctx)
	bus, err := busName(in.EventBusName, "eventBusName")
	if err != nil {
		return nil, err
	}
	after, err := decodeToken("ListRuleNamesByTarget", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListRuleNamesByTargetOutput, error) {
		if err := requireBus(ctx, tx, sc, bus); err != nil {
			return nil, err
		}
		// Read the bus's rules in batches until the page is full and one
		// more match shows that a next page exists.
		out := &ListRuleNamesByTargetOutput{RuleNames: []string{}}
		from := after // fn may run again: leave after as it was
		for {
			rules, err := scanRules(ctx, tx, sc, bus, "", from, limit+1)
			if err != nil {
				return nil, err
			}
			for _, r := range rules {
				if !slices.ContainsFunc(r.Targets, func(t Target) bool { return t.Arn == in.TargetArn }) {
					continue
				}
				if len(out.RuleNames) == limit {
					out.NextToken = encodeToken("ListRuleNamesByTarget", out.RuleNames[limit-1])
					return out, nil
				}
				out.RuleNames = append(out.RuleNames, r.Name)
			}
			if len(rules) <= limit {
				return out, nil
			}
			from = rules[len(rules)-1].Name
		}
	})
}
