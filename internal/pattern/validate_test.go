package pattern

import (
	"errors"
	"strings"
	"testing"
)

// Invalid patterns and the reasons AWS gives. Reasons are event-ruler's
// strings; the full messages below were returned by AWS (quoted in public
// issues: cloud-custodian#6507, buildkite/docs#896, aws-cdk#16563).
func TestInvalidPatterns(t *testing.T) {
	cases := []struct {
		pattern, reason string
	}{
		{`[]`, `Filter is not an object`},
		{``, `Filter is not an object`},
		{`"x"`, `Filter is not an object`},
		{`{}`, `Empty objects are not allowed`},
		{`{"source": ["aws.health"], "detail": {}}`, `Empty objects are not allowed`},
		{`{"source":"aws.ec2"}`, `"source" must be an object or an array`},
		{`{"source":5}`, `"source" must be an object or an array`},
		{`{"source":[]}`, `Empty arrays are not allowed`},
		{`{"source":[["a"]]}`, `Match value must be String, number, true, false, or null`},
		{`{"source":[{}]}`, `Match expression name not found`},
		{`{"source":[{"regex":"a"}]}`, `Unrecognized match type regex`},
		{`{"source":[{"prefix":1}]}`, `prefix match pattern must be a string`},
		{`{"source":[{"prefix":"a","suffix":"b"}]}`, `Only one key allowed in match expression`},
		{`{"source":[{"prefix":{"x":"a"}}]}`, `Unsupported prefix pattern: x`},
		{`{"source":[{"prefix":{"equals-ignore-case":1}}]}`, `equals-ignore-case match pattern must be a string`},
		{`{"source":[{"suffix":["a"]}]}`, `suffix match pattern must be a string`},
		{`{"source":[{"suffix":{"nope":"a"}}]}`, `Unsupported suffix pattern: nope`},
		{`{"source":[{"equals-ignore-case":["a"]}]}`, `equals-ignore-case match pattern must be a string`},
		{`{"source":[{"wildcard":1}]}`, `wildcard match pattern must be a string`},
		{`{"source":[{"wildcard":"a**b"}]}`, `Consecutive wildcard characters at pos 2`},
		{`{"source":[{"wildcard":"a\\b"}]}`, `Invalid escape character at pos 2`},
		{`{"source":[{"exists":"false"}]}`, `exists match pattern must be either true or false.`},
		{`{"source":[{"exists":true,"prefix":"a"}]}`, `Only one key allowed in match expression`},
		{`{"n":[{"numeric":5}]}`, `Value of numeric must be an array.`},
		{`{"n":[{"numeric":[]}]}`, `Invalid member in numeric match: ]`},
		{`{"n":[{"numeric":[5]}]}`, `Invalid member in numeric match: 5`},
		{`{"n":[{"numeric":["!",5]}]}`, `Unrecognized numeric range operator: !`},
		{`{"n":[{"numeric":["=","5"]}]}`, `Value of equals must be numeric`},
		{`{"n":[{"numeric":[">","0"]}]}`, `Value of > must be numeric`},
		{`{"n":[{"numeric":["=",5,"<",6]}]}`, `Too many elements in numeric expression`},
		{`{"n":[{"numeric":["<",5,">",1]}]}`, `Too many elements in numeric expression`},
		{`{"n":[{"numeric":[">",0,5]}]}`, `Bad value in numeric range: 5`},
		{`{"n":[{"numeric":[">",0,">",5]}]}`, `Bad numeric range operator: >`},
		{`{"n":[{"numeric":[">",0,"<","5"]}]}`, `Value of < must be numeric`},
		{`{"n":[{"numeric":[">",0,"<",5,6]}]}`, `Too many terms in numeric range expression`},
		{`{"n":[{"numeric":[">",5,"<",5]}]}`, `Bottom must be less than top`},
		{`{"n":[{"numeric":[">",6e9]}]}`, `Value must be between -5.0E9 and 5.0E9, inclusive`},
		{`{"n":[{"numeric":[">",0]},{"x":1}]}`, `Unrecognized match type x`},
		{`{"s":[{"anything-but":null}]}`, `Value of anything-but must be an array or single string/number value.`},
		{`{"s":[{"anything-but":[null]}]}`, `Inside anything but list, start|null|boolean is not supported.`},
		{`{"s":[{"anything-but":["a",1]}]}`, `Inside anything but list, either all values are number or string, mixed type is not supported`},
		{`{"s":[{"anything-but":[]}]}`, `Inside anything but list, either all values are number or string, mixed type is not supported`},
		{`{"s":[{"anything-but":{"exists":true}}]}`, `Unsupported anything-but pattern: exists`},
		{`{"s":[{"anything-but":{"prefix":""}}]}`, `Null prefix/suffix not allowed`},
		{`{"s":[{"anything-but":{"suffix":1}}]}`, `prefix/suffix match pattern must be a string`},
		{`{"s":[{"anything-but":{"equals-ignore-case":1}}]}`, `Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.`},
		{`{"s":[{"anything-but":{"wildcard":"**"}}]}`, `Consecutive wildcard characters at pos 1`},
		{`{"s":[{"anything-but":"a","x":1}]}`, `Too many elements in numeric expression`},
		{`{"s":[{"anything-but":[6e9]}]}`, `Value must be between -5.0E9 and 5.0E9, inclusive`},
		{`{"ip":[{"cidr":1}]}`, `prefix match pattern must be a string`},
		{`{"ip":[{"cidr":"10.0.0.0"}]}`, `Malformed CIDR, one '/' required`},
		{`{"ip":[{"cidr":"10.0.0.0/x"}]}`, `Malformed CIDR, mask bits must be an integer`},
		{`{"ip":[{"cidr":"10.0.0.0/-1"}]}`, `Malformed CIDR, mask bits must not be negative`},
		{`{"ip":[{"cidr":"10.0.0.0/32"}]}`, `IPv4 mask bits must be < 32`},
		{`{"ip":[{"cidr":"::/128"}]}`, `IPv6 mask bits must be < 128`},
		{`{"ip":[{"cidr":"host/8"}]}`, `Nonstandard IP address: host`},
		{`{"ip":[{"cidr":"999.0.0.1/8"}]}`, `Invalid IP address: 999.0.0.1`},
		{`{"$or":{"a":["b"]}}`, `It must be an Array followed with $or.`},
		{`{"$or":[{"a":["b"]}]}`, `There must have at least 2 Objects in $or relationship.`},
		{`{"$or":[{"a":["b"]},"c"]}`, `Only JSON object is allowed in array of $or relationship.`},
		{`{"$or":[{"a":["b"]},{"numeric":["c"]}]}`, `numeric is Ruler reserved fieldName which cannot be used inside $or.`},
		{`{"$or":[{"a":["b"]},{}]}`, `Empty objects are not allowed`},
		{`{"a":["b"],}`, `Unexpected character ('}' (code 125)): was expecting double-quote to start field name`},
		{`{"a" ["b"]}`, `Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value`},
		{`{"a":["b"] "c":["d"]}`, `Unexpected character ('"' (code 34)): was expecting comma to separate Object entries`},
		{`{"a":["b" "c"]}`, `Unexpected character ('"' (code 34)): was expecting comma to separate Array entries`},
		{`{"a":[tru]}`, `Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`},
		{`{"a":[01]}`, `Invalid numeric value: Leading zeroes not allowed`},
		{`{"a":["b"]`, `Unexpected end-of-input: expected close marker for Object`},
	}
	for _, c := range cases {
		_, err := Compile([]byte(c.pattern))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Compile(%s) = %v, want *Error %q", c.pattern, err, c.reason)
			continue
		}
		if pe.Reason != c.reason {
			t.Errorf("Compile(%s) reason = %q, want %q", c.pattern, pe.Reason, c.reason)
		}
		if !strings.HasPrefix(pe.Error(), "Event pattern is not valid. Reason: "+c.reason) {
			t.Errorf("message %q", pe.Error())
		}
	}
}

// TestErrorLocation pins the Jackson location AWS appends, against messages
// AWS returned.
func TestErrorLocation(t *testing.T) {
	cases := []struct{ pattern, msg string }{
		{`{"source": ["aws.health"], "detail": {}}`,
			"Event pattern is not valid. Reason: Empty objects are not allowed\n at [Source: (String)\"{\"source\": [\"aws.health\"], \"detail\": {}}\"; line: 1, column: 40]"},
		{`{"source":["test.event-pattern"],"detail":{"lenderId":"LenderA"}}`,
			"Event pattern is not valid. Reason: \"lenderId\" must be an object or an array\n at [Source: (String)\"{\"source\":[\"test.event-pattern\"],\"detail\":{\"lenderId\":\"LenderA\"}}\"; line: 1, column: 56]"},
		{`{"ip":[{"cidr":"10.0.0.0"}]}`, "Event pattern is not valid. Reason: Malformed CIDR, one '/' required"},
	}
	for _, c := range cases {
		_, err := Compile([]byte(c.pattern))
		if err == nil || err.Error() != c.msg {
			t.Errorf("Compile(%s):\n got %v\nwant %s", c.pattern, err, c.msg)
		}
	}
	long := `{"a":["` + strings.Repeat("x", 600) + `"],"b":{}}`
	_, err := Compile([]byte(long))
	if err == nil || !strings.Contains(err.Error(), `"[truncated 117 chars]; line: 1, column: 617]`) {
		t.Errorf("long pattern: %v", err)
	}
}

func TestFilterPolicy(t *testing.T) {
	ok := []struct {
		policy, scope, event string
		want                 bool
	}{
		// SNS guide examples ("Amazon SNS message filtering").
		{`{"store":["example_corp"],"event":[{"anything-but":"order_cancelled"}],"customer_interests":["rugby","football","baseball"],"price_usd":[{"numeric":[">=",100]}]}`, ScopeMessageAttributes,
			`{"store":"example_corp","event":"order_placed","customer_interests":["soccer","rugby","hockey"],"price_usd":210.75}`, true},
		{`{"store":["example_corp"],"event":[{"anything-but":"order_cancelled"}],"customer_interests":["rugby","football","baseball"],"price_usd":[{"numeric":[">=",100]}]}`, ScopeMessageAttributes,
			`{"store":"example_corp","event":"order_cancelled","customer_interests":["rugby"],"price_usd":210.75}`, false},
		{`{"price_usd":[{"numeric":["=",301.5]}]}`, ScopeMessageAttributes, `{"price_usd":3.015e2}`, true},
		{`{"customer_interests":[{"prefix":"bas"}]}`, ScopeMessageAttributes, `{"customer_interests":"baseball"}`, true},
		{`{"source_ip":[{"cidr":"10.0.0.0/24"}]}`, ScopeMessageAttributes, `{"source_ip":"10.0.0.7"}`, true},
		{`{"store":{"name":["example_corp"]}}`, ScopeMessageBody, `{"store":{"name":"example_corp"}}`, true},
		{`{"$or":[{"a":["x"]},{"b":[{"exists":true}]}]}`, ScopeMessageBody, `{"b":1}`, true},
	}
	for _, c := range ok {
		p, err := CompileFilterPolicy([]byte(c.policy), c.scope)
		if err != nil {
			t.Errorf("CompileFilterPolicy(%s): %v", c.policy, err)
			continue
		}
		if got, _ := p.Match([]byte(c.event)); got != c.want {
			t.Errorf("%s on %s = %v, want %v", c.policy, c.event, got, c.want)
		}
	}
	bad := []struct{ policy, scope, msg string }{
		{`{"a":{"b":["c"]}}`, ScopeMessageAttributes, "Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy"},
		{`{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}`, ScopeMessageBody, "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"},
		{`{"a":[1,2,3,4,5,6],"b":[1,2,3,4,5],"c":[1,2,3,4,5,6]}`, ScopeMessageAttributes, "Invalid parameter: FilterPolicy: Filter policy is too complex"},
		{`{"a":[{"wildcard":"x*"}]}`, ScopeMessageAttributes, "Invalid parameter: FilterPolicy: Unrecognized match type wildcard"},
		{`{"a":[{"numeric":[">",2e9]}]}`, ScopeMessageBody, "Invalid parameter: FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive"},
		{`{"a":[{"exists":1}]}`, ScopeMessageAttributes, "Invalid parameter: FilterPolicy: exists match pattern must be either true or false."},
		{`{"a":["b"]}`, "Nope", "Invalid parameter: FilterPolicy: FilterPolicyScope: Invalid value [Nope]. Please use either MessageBody or MessageAttributes"},
	}
	for _, c := range bad {
		_, err := CompileFilterPolicy([]byte(c.policy), c.scope)
		var pe *Error
		if !errors.As(err, &pe) || err.Error() != c.msg {
			t.Errorf("CompileFilterPolicy(%s, %s) = %v, want %s", c.policy, c.scope, err, c.msg)
		}
	}
}
