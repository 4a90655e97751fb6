package ssm

import (
	"bytes"
	"encoding/json"
)

// policy is one parameter policy as PutParameter's Policies JSON array
// holds it: Text is the policy object as sent (compacted), Type its "Type".
//
// Policies are stored and reported (DescribeParameters, history) with
// status Pending; shoal does not yet act on them (expire parameters or
// emit notification events).
type policy struct {
	Text string `json:"text"`
	Type string `json:"type"`
}

type policyDoc struct {
	Type       string         `json:"Type"`
	Version    string         `json:"Version"`
	Attributes map[string]any `json:"Attributes"`
}

// policyAttributes lists the attributes each policy type needs, from the
// "Assigning parameter policies" guide.
func policyAttributes(t string) ([]string, bool) {
	switch t {
	case "Expiration":
		return []string{"Timestamp"}, true
	case "ExpirationNotification":
		return []string{"Before", "Unit"}, true
	case "NoChangeNotification":
		return []string{"After", "Unit"}, true
	}
	return nil, false
}

// parsePolicies checks a Policies document. It returns nil and false when
// s is empty (keep the current policies), and an empty list for "[]"
// (remove them).
func parsePolicies(s string) (out []policy, set bool, err error) {
	if s == "" {
		return nil, false, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, false, errInvalidPolicyAttribute("Policies must be a JSON array of policy objects: %v", err)
	}
	if len(raw) > maxPolicies {
		return nil, false, errPoliciesLimitExceeded(len(raw))
	}
	seen := map[string]bool{}
	out = []policy{}
	for _, r := range raw {
		var d policyDoc
		if err := json.Unmarshal(r, &d); err != nil {
			return nil, false, errInvalidPolicyAttribute("Each policy must be a JSON object with Type, Version and Attributes: %v", err)
		}
		need, ok := policyAttributes(d.Type)
		if !ok {
			return nil, false, errInvalidPolicyType(d.Type)
		}
		if d.Version != "1.0" {
			return nil, false, errInvalidPolicyAttribute("The %s policy has Version %q; the only policy version is \"1.0\".", d.Type, d.Version)
		}
		for _, a := range need {
			if _, ok := d.Attributes[a]; !ok {
				return nil, false, errInvalidPolicyAttribute("The %s policy needs the attribute %s.", d.Type, a)
			}
		}
		if seen[d.Type] {
			return nil, false, errIncompatiblePolicy(d.Type)
		}
		seen[d.Type] = true
		var buf bytes.Buffer
		if err := json.Compact(&buf, r); err != nil {
			return nil, false, errInvalidPolicyAttribute("Policies must be valid JSON: %v", err)
		}
		out = append(out, policy{Text: buf.String(), Type: d.Type})
	}
	return out, true, nil
}

func inlinePolicies(ps []policy) []ParameterInlinePolicy {
	out := make([]ParameterInlinePolicy, len(ps))
	for i, p := range ps {
		out[i] = ParameterInlinePolicy{PolicyText: p.Text, PolicyType: p.Type, PolicyStatus: "Pending"}
	}
	return out
}
