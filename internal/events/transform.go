package events

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
	"github.com/shoal-dev/shoal/internal/asl/value"
)

// Input transformation, as the EventBridge User Guide's "Amazon EventBridge
// input transformation" describes it. InputPathsMap binds variables to
// JSONPath expressions over the event (EventBridge, like Step Functions,
// evaluates them with Jayway JsonPath, so internal/asl/jsonpath serves both);
// InputTemplate is text with <name> placeholders.
//
// How a value is inserted depends on where the placeholder stands:
//
//   - Outside a JSON string in a JSON template ({"instance": <instance>}):
//     the value as JSON — a string gets its quotes, a number, boolean,
//     object or array is written as it is.
//   - Inside a JSON string ("instance \"<instance>\" is in <state>"): a
//     string's characters without quotes, anything else as its compact
//     JSON; both escaped so the result stays a JSON string. (The guide says
//     EventBridge does not escape extracted values; shoal escapes them
//     because targets such as StartExecution reject invalid JSON, and for
//     values without quotes or backslashes — the usual case — the two agree.)
//   - In a template that is not JSON-shaped at all (<instance> is in state
//     <status>): every value as plain text, strings without quotes.
//
// A variable whose path finds nothing "isn't created and won't appear in the
// output" (the guide's "Common issues"): it becomes empty text, except
// outside a string in a JSON template, where it becomes null so the result
// is still JSON. The predefined variables are aws.events.rule-arn,
// aws.events.rule-name, aws.events.event.ingestion-time (ISO 8601),
// aws.events.event (the event without its detail) and aws.events.event.json
// (the whole event).

// Predefined variable names; InputPathsMap may not redefine them.
const (
	varRuleArn       = "aws.events.rule-arn"
	varRuleName      = "aws.events.rule-name"
	varIngestionTime = "aws.events.event.ingestion-time"
	varEvent         = "aws.events.event"
	varEventJSON     = "aws.events.event.json"
)

func isPredefined(name string) bool {
	switch name {
	case varRuleArn, varRuleName, varIngestionTime, varEvent, varEventJSON:
		return true
	}
	return false
}

// transformContext is what the predefined variables are made of.
type transformContext struct {
	RuleArn, RuleName string
	IngestionTime     string
	Event             []byte // the event as delivered
}

// placeholders returns the names of the <name> placeholders in template.
func placeholders(template string) []string {
	var out []string
	for i := 0; i < len(template); i++ {
		if template[i] != '<' {
			continue
		}
		if name, n, ok := placeholderAt(template, i); ok {
			out = append(out, name)
			i += n - 1
		}
	}
	return out
}

// placeholderAt reports whether a placeholder starts at template[i] ('<'),
// its name and its length. A name is what JSON keys of InputPathsMap hold in
// practice: letters, digits and . _ -; anything else (a "<" in prose) is
// text.
func placeholderAt(template string, i int) (string, int, bool) {
	j := i + 1
	for j < len(template) && isNameByte(template[j]) {
		j++
	}
	if j == i+1 || j >= len(template) || template[j] != '>' {
		return "", 0, false
	}
	return template[i+1 : j], j - i + 1, true
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

// checkTransformer is PutTargets' validation of an InputTransformer.
func checkTransformer(id string, t *InputTransformer) error {
	for name, path := range t.InputPathsMap {
		if isPredefined(name) || strings.HasPrefix(strings.ToLower(name), "aws.") {
			return errValidation("InputTransformer for target %s contains an InputPathsMap key %s that is reserved; keys can't start with \"AWS.\".", id, name)
		}
		if _, err := jsonpath.Parse(path); err != nil {
			return errValidation("InputTransformer for target %s contains an invalid JSONPath %s for key %s.", id, path, name)
		}
	}
	for _, name := range placeholders(t.InputTemplate) {
		if _, ok := t.InputPathsMap[name]; !ok && !isPredefined(name) {
			return errValidation("InputTemplate for target %s contains invalid placeholder %s.", id, name)
		}
	}
	return nil
}

// selectPath evaluates a JSONPath over the decoded event; ok is false when
// it finds nothing.
func selectPath(event any, path string) (any, bool) {
	p, err := jsonpath.Parse(path)
	if err != nil {
		return nil, false
	}
	v, err := p.Eval(event)
	if err != nil {
		return nil, false
	}
	return v, true
}

// renderInput applies an InputTransformer to an event and returns the text
// the target receives.
func renderInput(t *InputTransformer, tc *transformContext) ([]byte, error) {
	event, err := value.Decode(tc.Event)
	if err != nil {
		return nil, err
	}
	vars := make(map[string]any, len(t.InputPathsMap)+5)
	for name, path := range t.InputPathsMap {
		if v, ok := selectPath(event, path); ok {
			vars[name] = v
		} else {
			vars[name] = missing{}
		}
	}
	vars[varRuleArn] = tc.RuleArn
	vars[varRuleName] = tc.RuleName
	vars[varIngestionTime] = tc.IngestionTime
	if m, ok := event.(map[string]any); ok {
		noDetail := make(map[string]any, len(m))
		for k, v := range m {
			if k != "detail" {
				noDetail[k] = v
			}
		}
		vars[varEvent] = noDetail
	}
	vars[varEventJSON] = json.RawMessage(tc.Event)
	return render(t.InputTemplate, vars), nil
}

// missing marks a variable whose path found nothing in the event.
type missing struct{}

// render substitutes the placeholders of template with vars; a
// placeholder that names no variable stays as it is.
func render(template string, vars map[string]any) []byte {
	trimmed := strings.TrimSpace(template)
	jsonShaped := trimmed != "" && strings.ContainsRune("{[\"", rune(trimmed[0]))
	var b bytes.Buffer
	b.Grow(len(template))
	inString := false
	for i := 0; i < len(template); i++ {
		c := template[i]
		switch {
		case inString && c == '\\' && i+1 < len(template):
			b.WriteByte(c)
			b.WriteByte(template[i+1])
			i++
			continue
		case c == '"':
			inString = !inString
		case c == '<':
			name, n, ok := placeholderAt(template, i)
			if !ok {
				break
			}
			v, known := vars[name]
			if !known {
				// Not a variable: PutTargets rejects such templates, so
				// only text like "a <b> c" in a plain template gets here.
				break
			}
			_, absent := v.(missing)
			writeValue(&b, v, !absent, inString, jsonShaped)
			i += n - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.Bytes()
}

func writeValue(b *bytes.Buffer, v any, defined, inString, jsonShaped bool) {
	if !defined {
		if jsonShaped && !inString {
			b.WriteString("null")
		}
		return
	}
	var text string
	switch x := v.(type) {
	case json.RawMessage:
		var c bytes.Buffer
		if json.Compact(&c, x) == nil {
			text = c.String()
		} else {
			text = string(x)
		}
	case string:
		if jsonShaped && !inString {
			text = quote(x)
		} else {
			text = x
		}
	default:
		text = value.Show(x)
	}
	if inString {
		q := quote(text)
		b.WriteString(q[1 : len(q)-1])
		return
	}
	b.WriteString(text)
}

// quote is a JSON string literal without Go's HTML escaping.
func quote(s string) string {
	if plainASCII(s) {
		return `"` + s + `"`
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// appendQuote appends quote(s) to b. Every event PutEvents accepts quotes
// its id, source, detail-type, account and region, which are almost always
// printable ASCII: those are copied between quotes without an encoder.
func appendQuote(b []byte, s string) []byte {
	if plainASCII(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return append(b, quote(s)...)
}

// plainASCII reports whether s needs no escaping in a JSON string: printable
// ASCII other than '"' and '\'.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
