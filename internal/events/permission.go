package events

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/store"
)

// maxPolicySize is "The permission policy on the event bus cannot exceed
// 10 KB in size" (PutPermission API reference).
const maxPolicySize = 10 * 1024

var (
	nonPartnerBusRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)
	statementIDRE   = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	actionRE        = regexp.MustCompile(`^events:[a-zA-Z]+$`)
	principalRE     = regexp.MustCompile(`^(\d{12}|\*)$`)
)

// Condition is PutPermission's Condition.
type Condition struct {
	Type  string `json:"Type" aws:"required"`
	Key   string `json:"Key" aws:"required"`
	Value string `json:"Value" aws:"required"`
}

type PutPermissionInput struct {
	EventBusName string     `json:"EventBusName,omitempty" aws:"min=1,max=256"`
	Action       string     `json:"Action,omitempty" aws:"min=1,max=64"`
	Principal    string     `json:"Principal,omitempty" aws:"min=1,max=12"`
	StatementId  string     `json:"StatementId,omitempty" aws:"min=1,max=64"`
	Condition    *Condition `json:"Condition,omitempty"`
	Policy       string     `json:"Policy,omitempty"`
}

type RemovePermissionInput struct {
	StatementId          string `json:"StatementId,omitempty" aws:"min=1,max=64"`
	RemoveAllPermissions bool   `json:"RemoveAllPermissions,omitempty"`
	EventBusName         string `json:"EventBusName,omitempty" aws:"min=1,max=256"`
}

// policyDoc is an IAM resource policy as EventBridge writes it.
type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string          `json:"Sid,omitempty"`
	Effect    string          `json:"Effect"`
	Principal json.RawMessage `json:"Principal,omitempty"`
	Action    json.RawMessage `json:"Action,omitempty"`
	Resource  json.RawMessage `json:"Resource,omitempty"`
	Condition json.RawMessage `json:"Condition,omitempty"`
}

func checkBusForPermission(name string) (string, error) {
	if name == "" {
		return DefaultBus, nil
	}
	if !nonPartnerBusRE.MatchString(name) {
		return "", errConstraint(name, "eventBusName", `Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`)
	}
	return name, nil
}

// PutPermission adds a statement to the bus's resource policy (replacing
// one with the same StatementId), or with Policy replaces the whole policy.
func (s *Service) PutPermission(ctx context.Context, in *PutPermissionInput) (*Empty, error) {
	sc := scopeFrom(ctx)
	bus, err := checkBusForPermission(in.EventBusName)
	if err != nil {
		return nil, err
	}
	var doc *policyDoc
	var st *statement
	if in.Policy != "" {
		var d policyDoc
		if err := json.Unmarshal([]byte(in.Policy), &d); err != nil || len(d.Statement) == 0 {
			return nil, errValidation("Policy is not a valid JSON policy document.")
		}
		doc = &d
	} else {
		switch {
		case in.StatementId == "" || in.Action == "" || in.Principal == "":
			return nil, errValidation("Parameter(s) StatementId, Action and Principal must be specified unless Policy is.")
		case !statementIDRE.MatchString(in.StatementId):
			return nil, errConstraint(in.StatementId, "statementId", `Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+`)
		case !actionRE.MatchString(in.Action):
			return nil, errConstraint(in.Action, "action", `Member must satisfy regular expression pattern: events:[a-zA-Z]+`)
		case !principalRE.MatchString(in.Principal):
			return nil, errConstraint(in.Principal, "principal", `Member must satisfy regular expression pattern: (\d{12}|\*)`)
		}
		st = &statement{Sid: in.StatementId, Effect: "Allow", Action: quoteJSON(in.Action), Resource: quoteJSON(sc.busArn(bus))}
		if in.Principal == "*" {
			st.Principal = quoteJSON("*")
		} else {
			st.Principal, _ = json.Marshal(map[string]string{"AWS": "arn:" + sc.partition() + ":iam::" + in.Principal + ":root"})
		}
		if c := in.Condition; c != nil {
			st.Condition, _ = json.Marshal(map[string]map[string]string{c.Type: {c.Key: c.Value}})
		}
	}
	_, err = update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		b, rev, err := s.busForPolicy(ctx, tx, sc, bus)
		if err != nil {
			return nil, err
		}
		if doc == nil {
			var d policyDoc
			if b.Policy != "" {
				_ = json.Unmarshal([]byte(b.Policy), &d)
			}
			d.Version = "2012-10-17"
			d.Statement = slices.DeleteFunc(d.Statement, func(x statement) bool { return x.Sid == st.Sid })
			d.Statement = append(d.Statement, *st)
			doc = &d
		}
		out, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		if len(out) > maxPolicySize {
			return nil, newErr("PolicyLengthExceededException", "The event bus policy is too long: %d bytes, at most %d.", len(out), maxPolicySize)
		}
		b.Policy = string(out)
		b.Modified = s.now()
		return &Empty{}, putBus(ctx, tx, sc, b, rev)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// RemovePermission removes one statement, or with RemoveAllPermissions the
// whole policy.
func (s *Service) RemovePermission(ctx context.Context, in *RemovePermissionInput) (*Empty, error) {
	sc := scopeFrom(ctx)
	bus, err := checkBusForPermission(in.EventBusName)
	if err != nil {
		return nil, err
	}
	if !in.RemoveAllPermissions && in.StatementId == "" {
		return nil, errValidation("Parameter StatementId must be specified unless RemoveAllPermissions is true.")
	}
	_, err = update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		b, rev, err := s.busForPolicy(ctx, tx, sc, bus)
		if err != nil {
			return nil, err
		}
		if b.Policy == "" {
			return nil, newErr("ResourceNotFoundException", "EventBus does not have a policy.")
		}
		if in.RemoveAllPermissions {
			b.Policy = ""
		} else {
			var d policyDoc
			_ = json.Unmarshal([]byte(b.Policy), &d)
			n := len(d.Statement)
			d.Statement = slices.DeleteFunc(d.Statement, func(x statement) bool { return x.Sid == in.StatementId })
			if len(d.Statement) == n {
				return nil, newErr("ResourceNotFoundException", "Statement with the provided id does not exist.")
			}
			b.Policy = ""
			if len(d.Statement) > 0 {
				out, _ := json.Marshal(d)
				b.Policy = string(out)
			}
		}
		b.Modified = s.now()
		return &Empty{}, putBus(ctx, tx, sc, b, rev)
	})
	if err != nil {
		return nil, err
	}
	return &Empty{}, nil
}

// busForPolicy reads a bus for a change; the default bus gets a record the
// first time it is changed.
func (s *Service) busForPolicy(ctx context.Context, tx store.Tx, sc scope, bus string) (*busRecord, int64, error) {
	b, rev, err := loadBus(ctx, tx, sc, bus)
	if err != nil {
		return nil, 0, err
	}
	if b == nil {
		if bus != DefaultBus {
			return nil, 0, errBusNotFound(bus)
		}
		b = &busRecord{Name: DefaultBus}
	}
	return b, rev, nil
}

func quoteJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// strings of a JSON string-or-list member (Action, Resource, AWS).
func stringsOf(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// allowsPutEvents reports whether a bus policy lets account put an event
// with the given source and detail-type on busArn. A Deny that applies
// wins; an Allow applies when its action, resource and principal cover the
// call and every condition is one shoal can evaluate and holds:
// StringEquals (or ForAllValues:/ForAnyValue:StringEquals) and StringLike
// on events:source, events:detail-type and aws:SourceAccount. Other
// conditions (aws:PrincipalOrgID: shoal has no organizations) never hold.
func allowsPutEvents(policy, account, busArn, source, detailType string) bool {
	var d policyDoc
	if policy == "" || json.Unmarshal([]byte(policy), &d) != nil {
		return false
	}
	allowed := false
	for _, st := range d.Statement {
		if !st.covers(account, busArn, source, detailType) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func (st *statement) covers(account, busArn, source, detailType string) bool {
	if !slices.ContainsFunc(stringsOf(st.Action), func(a string) bool { return a == "events:PutEvents" || a == "events:*" || a == "*" }) {
		return false
	}
	if len(st.Resource) > 0 && !slices.ContainsFunc(stringsOf(st.Resource), func(r string) bool { return r == "*" || r == busArn }) {
		return false
	}
	principals := stringsOf(st.Principal)
	if len(principals) == 0 {
		var p struct {
			AWS json.RawMessage `json:"AWS"`
		}
		_ = json.Unmarshal(st.Principal, &p)
		principals = stringsOf(p.AWS)
	}
	if !slices.ContainsFunc(principals, func(p string) bool {
		return p == "*" || p == account || strings.HasSuffix(p, "::"+account+":root")
	}) {
		return false
	}
	if len(st.Condition) == 0 {
		return true
	}
	var conds map[string]map[string]json.RawMessage
	if json.Unmarshal(st.Condition, &conds) != nil {
		return false
	}
	values := map[string]string{"events:source": source, "events:detail-type": detailType, "aws:sourceaccount": account}
	for op, kv := range conds {
		for key, want := range kv {
			got, ok := values[strings.ToLower(key)]
			if !ok {
				got, ok = values[key]
			}
			if !ok {
				return false
			}
			var match func(w string) bool
			switch strings.TrimPrefix(strings.TrimPrefix(op, "ForAllValues:"), "ForAnyValue:") {
			case "StringEquals":
				match = func(w string) bool { return w == got }
			case "StringLike":
				match = func(w string) bool { return wildcardMatch(w, got) }
			default:
				return false
			}
			if !slices.ContainsFunc(stringsOf(want), match) {
				return false
			}
		}
	}
	return true
}

// wildcardMatch is IAM's StringLike: '*' any run, '?' one character.
func wildcardMatch(pat, s string) bool {
	if pat == "" {
		return s == ""
	}
	switch pat[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pat[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pat[1:], s[1:])
	}
	return s != "" && s[0] == pat[0] && wildcardMatch(pat[1:], s[1:])
}
