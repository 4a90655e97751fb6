package sfn

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validName applies AWS's rules for state machine, execution and activity
// names: 1–80 characters, none of them whitespace, brackets < > { } [ ],
// wildcards ? *, the characters " # % \ ^ | ~ ` $ & , ; : /, or control
// characters (U+0000–001F, U+007F–009F).
func validName(name string) bool {
	n := utf8.RuneCountInString(name)
	if n < 1 || n > 80 {
		return false
	}
	for _, r := range name {
		if unicode.IsSpace(r) || r <= 0x1f || (r >= 0x7f && r <= 0x9f) {
			return false
		}
		if strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return false
		}
	}
	return true
}

// scope is the account and region a request works in.
type scope struct{ account, region string }

func (sc scope) partition() string {
	switch {
	case strings.HasPrefix(sc.region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(sc.region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func (sc scope) prefix() string {
	return "arn:" + sc.partition() + ":states:" + sc.region + ":" + sc.account + ":"
}

func (sc scope) machineARN(name string) string { return sc.prefix() + "stateMachine:" + name }

func (sc scope) executionARN(machine, name string) string {
	return sc.prefix() + "execution:" + machine + ":" + name
}

// parsedARN is a Step Functions ARN split into its parts.
type parsedARN struct {
	region, account string
	kind            string // stateMachine, execution, activity, ...
	name            string // the state machine (or activity) name
	sub             string // execution name, or a version / alias qualifier
}

// parseARN splits arn:<partition>:states:<region>:<account>:<kind>:<name>[:<sub>].
func parseARN(arn string) (parsedARN, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[2] != "states" || parts[3] == "" || parts[4] == "" || parts[6] == "" {
		return parsedARN{}, false
	}
	p := parsedARN{region: parts[3], account: parts[4], kind: parts[5], name: parts[6]}
	if len(parts) == 8 {
		p.sub = parts[7]
	}
	return p, true
}

// machineARNOf checks a state machine ARN (unqualified).
func machineARNOf(arn string) (parsedARN, bool) {
	p, ok := parseARN(arn)
	return p, ok && p.kind == "stateMachine" && p.sub == ""
}

// executionARNOf checks an execution ARN and returns its state machine ARN.
func executionARNOf(arn string) (parsedARN, string, bool) {
	p, ok := parseARN(arn)
	if !ok || p.kind != "execution" || p.sub == "" {
		return p, "", false
	}
	i := strings.LastIndexByte(arn, ':')
	j := strings.LastIndexByte(arn[:i], ':')
	machine := strings.Replace(arn[:j], ":execution", ":stateMachine", 1) + ":" + p.name
	return p, machine, true
}

// Pagination tokens are opaque: base64 of the operation and the store
// cursor to resume after. A token from another operation is InvalidToken.
type pageToken struct {
	Op    string `json:"o"`
	After string `json:"a"`
}

func encodeToken(op, after string) string {
	if after == "" {
		return ""
	}
	b, _ := json.Marshal(pageToken{Op: op, After: after}) // strings always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(op, tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", errInvalidToken()
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil || t.Op != op || t.After == "" {
		return "", errInvalidToken()
	}
	return t.After, nil
}

// pageSize is maxResults with AWS's default of 100 (0 means the default).
func pageSize(n int32) int {
	if n <= 0 {
		return 100
	}
	return int(n)
}
