package pattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// matchCase is one row of a pass/fail table: pattern, event, and whether the
// pattern matches the event.
type matchCase struct {
	name    string
	pattern string
	event   string
	want    bool
}

// noise patterns share the automaton with the pattern under test, so every
// table also checks that patterns do not interfere.
var noise = []string{
	`{"source":["aws.noise"]}`,
	`{"detail":{"state":[{"anything-but":"never-this"}]},"source":[{"prefix":"zz"}]}`,
	`{"detail":{"c-count":[{"exists":false}]},"detail-type":["noise"]}`,
}

func runCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile([]byte(c.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", c.pattern, err)
			}
			got, err := p.Match([]byte(c.event))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != c.want {
				t.Errorf("Pattern.Match = %v, want %v\npattern %s\nevent   %s", got, c.want, c.pattern, c.event)
			}
			m := NewMatcher()
			for i, n := range noise {
				m.Add(fmt.Sprintf("noise-%d", i), mustCompile(t, n))
			}
			m.Add("p", p)
			ids, err := m.Match([]byte(c.event))
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(ids, "p") != c.want {
				t.Errorf("Matcher.Match = %v, want p: %v", ids, c.want)
			}
			var ev map[string]any
			d := json.NewDecoder(strings.NewReader(c.event))
			d.UseNumber()
			if err := d.Decode(&ev); err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(m.MatchValue(ev), "p"); got != c.want {
				t.Errorf("Matcher.MatchValue: %v, want %v", got, c.want)
			}
			if ref, ok := refMatch([]byte(c.pattern), []byte(c.event)); ok && ref != c.want {
				t.Errorf("reference matcher = %v, want %v (the table or the reference is wrong)", ref, c.want)
			}
		})
	}
}

func mustCompile(t testing.TB, s string) *Pattern {
	t.Helper()
	p, err := Compile([]byte(s))
	if err != nil {
		t.Fatalf("Compile(%s): %v", s, err)
	}
	return p
}

// The seed's rule (DESIGN.md, blog post 1) against the CloudTrail event that
// glue:CreateSession produces.
const (
	seedPattern = `{"source":["aws.glue"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["glue.amazonaws.com"],"eventName":["CreateSession"]}}`
	seedEvent   = `{"version":"0","id":"6f3c2f3a-1c2b-4b7e-9f1d-2a6c1d9e0b11","detail-type":"AWS API Call via CloudTrail","source":"aws.glue","account":"123456789012","time":"2024-03-05T10:00:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/GlueStudio/session"},"eventTime":"2024-03-05T10:00:00Z","eventSource":"glue.amazonaws.com","eventName":"CreateSession","awsRegion":"us-east-1","sourceIPAddress":"10.0.12.34","userAgent":"aws-sdk-java","requestParameters":{"id":"glue-studio-datapreview-7c1b6a4e","role":"arn:aws:iam::123456789012:role/GlueStudio","command":{"name":"glueetl","pythonVersion":"3"},"timeout":2880,"idleTimeout":2880,"numberOfWorkers":5,"workerType":"G.1X","glueVersion":"4.0"},"responseElements":{"session":{"id":"glue-studio-datapreview-7c1b6a4e","status":"PROVISIONING"}},"requestID":"0f1e2d3c","eventID":"a1b2c3d4","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}}`
)

func TestSeed(t *testing.T) {
	stop := strings.Replace(seedEvent, `"eventName":"CreateSession"`, `"eventName":"StopSession"`, 1)
	ssm := strings.NewReplacer(`"source":"aws.glue"`, `"source":"aws.ssm"`, `glue.amazonaws.com`, `ssm.amazonaws.com`).Replace(seedEvent)
	scheduled := `{"version":"0","id":"1","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2024-03-05T07:00:00Z","region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/daily"],"detail":{}}`
	runCases(t, []matchCase{
		{"create session", seedPattern, seedEvent, true},
		{"stop session", seedPattern, stop, false},
		{"other service", seedPattern, ssm, false},
		{"scheduled event", seedPattern, scheduled, false},
	})
}

// The guide's examples (eb-event-patterns, eb-create-pattern,
// eb-create-pattern-operators, eb-event-patterns-arrays,
// eb-event-patterns-null-values).
const (
	ec2Event   = `{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"111122223333","time":"2017-12-22T18:43:48Z","region":"us-west-1","resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],"detail":{"instance-id":"i-1234567890abcdef0","state":"terminated"}}`
	rulerEvent = `{"version":"0","id":"ddddd4-aaaa-7777-4444-345dd43cc333","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"012345679012","time":"2017-10-02T16:24:49Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],"detail":{"c-count":5,"d-count":3,"x-limit":301.8,"source-ip":"10.0.0.33","instance-id":"i-000000aaaaaa00000","state":"running"}}`
	nullEvent  = `{"version":"0","id":"3e3c153a-8339-4e30-8c35-687ebef853fe","detail-type":"EC2 Instance Launch Successful","source":"aws.autoscaling","account":"123456789012","time":"2015-11-11T21:31:47Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"","responseElements":null}}`
)

func TestExact(t *testing.T) {
	runCases(t, []matchCase{
		{"guide ec2 termination", `{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}}`, ec2Event, true},
		{"guide ec2 or fargate", `{"source":["aws.ec2","aws.fargate"]}`, ec2Event, true},
		{"case sensitive", `{"source":["AWS.EC2"]}`, ec2Event, false},
		{"field order independent", `{"detail":{"state":["terminated"]},"source":["aws.ec2"]}`, ec2Event, true},
		{"all fields must exist", `{"source":["aws.ec2"],"detail":{"missing":["x"]}}`, ec2Event, false},
		{"nesting must agree", `{"state":["terminated"]}`, ec2Event, false},
		{"object is not a leaf", `{"detail":["terminated"]}`, ec2Event, false},
		{"dotted key equals nesting", `{"detail":{"state":["terminated"]}}`, `{"detail.state":"terminated"}`, true},
		{"string is not number", `{"n":["3"]}`, `{"n":3}`, false},
		{"number is not string", `{"n":[3]}`, `{"n":"3"}`, false},
		{"3 matches 3.0", `{"n":[3]}`, `{"n":3.0}`, true},
		{"3.0e2 matches 300", `{"n":[3.0e2]}`, `{"n":300}`, true},
		{"3e0 matches 3", `{"n":[3e0]}`, `{"n":3}`, true},
		{"-0 matches 0", `{"n":[0]}`, `{"n":-0}`, true},
		{"3 is not 3.1", `{"n":[3]}`, `{"n":3.1}`, false},
		{"account number literal", `{"account":[123456789012]}`, `{"account":123456789012}`, true},
		{"big number by literal only", `{"n":[123456789012]}`, `{"n":1.23456789012e11}`, false},
		{"true", `{"b":[true]}`, `{"b":true}`, true},
		{"true is not string", `{"b":[true]}`, `{"b":"true"}`, false},
		{"string true is not true", `{"b":["true"]}`, `{"b":true}`, false},
		{"false", `{"b":[false]}`, `{"b":false}`, true},
		{"guide empty string", `{"detail":{"eventVersion":[""]}}`, nullEvent, true},
		{"guide null", `{"detail":{"responseElements":[null]}}`, nullEvent, true},
		{"null is not empty string", `{"detail":{"responseElements":[""]}}`, nullEvent, false},
		{"empty string is not null", `{"detail":{"eventVersion":[null]}}`, nullEvent, false},
		{"null is not absent", `{"detail":{"missing":[null]}}`, nullEvent, false},
		{"ip literal by address", `{"ip":["::1"]}`, `{"ip":"0:0:0:0:0:0:0:1"}`, true},
		{"ipv4 mapped", `{"ip":["10.0.0.1"]}`, `{"ip":"::ffff:10.0.0.1"}`, true},
		{"unicode escapes", `{"s":["caf\u00e9"]}`, `{"s":"café"}`, true},
	})
}

func TestArrays(t *testing.T) {
	employees := `{"employees":[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"},{"firstName":"Peter","lastName":"Jones"}]}`
	runCases(t, []matchCase{
		{"guide resources intersection", `{"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f","arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f","arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}`,
			`{"resources":["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate","arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}`, true},
		{"no intersection", `{"resources":["a","b"]}`, `{"resources":["c","d"]}`, false},
		{"empty event array is absent", `{"resources":[{"exists":false}]}`, `{"resources":[]}`, true},
		{"objects in array", `{"employees":{"firstName":["Anna"]}}`, employees, true},
		{"same element", `{"employees":{"firstName":["Anna"],"lastName":["Smith"]}}`, employees, true},
		{"different elements never combine", `{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}`, employees, false},
		{"nested arrays", `{"employees":{"firstName":["Peter"]}}`, `{"employees":[[{"firstName":"John"}],[{"firstName":"Peter"}]]}`, true},
		{"array of numbers", `{"n":[{"numeric":[">",10]}]}`, `{"n":[1,2,30]}`, true},
		{"array of numbers none", `{"n":[{"numeric":[">",100]}]}`, `{"n":[1,2,30]}`, false},
		{"outer with inner element", `{"a":["x"],"b":{"c":["y"]}}`, `{"a":"x","b":[{"c":"z"},{"c":"y"}]}`, true},
	})
}

func TestPrefixSuffix(t *testing.T) {
	runCases(t, []matchCase{
		{"guide prefix time", `{"time":[{"prefix":"2017-10-02"}]}`, rulerEvent, true},
		{"prefix miss", `{"time":[{"prefix":"2017-10-03"}]}`, rulerEvent, false},
		{"prefix only strings", `{"n":[{"prefix":"3"}]}`, `{"n":30}`, false},
		{"empty prefix matches any string", `{"s":[{"prefix":""}]}`, `{"s":"abc"}`, true},
		{"empty prefix needs a string", `{"s":[{"prefix":""}]}`, `{"s":null}`, false},
		{"guide prefix ignore case", `{"detail":{"service":[{"prefix":{"equals-ignore-case":"EventB"}}]}}`, `{"detail":{"service":"eventbridge"}}`, true},
		{"prefix ignore case upper", `{"detail":{"service":[{"prefix":{"equals-ignore-case":"EventB"}}]}}`, `{"detail":{"service":"EVENTBRIDGE"}}`, true},
		{"prefix ignore case unicode", `{"s":[{"prefix":{"equals-ignore-case":"ÉCO"}}]}`, `{"s":"école"}`, true},
		{"guide suffix png", `{"FileName":[{"suffix":".png"}]}`, `{"FileName":"image.png"}`, true},
		{"suffix case sensitive", `{"FileName":[{"suffix":".png"}]}`, `{"FileName":"image.PNG"}`, false},
		{"guide suffix ignore case", `{"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}}`, `{"detail":{"FileName":"IMAGE.PNG"}}`, true},
		{"guide ruler suffix", `{"source":[{"suffix":"ec2"}]}`, rulerEvent, true},
		{"suffix multibyte", `{"s":[{"suffix":"ß"}]}`, `{"s":"Straß"}`, true},
	})
}

func TestEqualsIgnoreCase(t *testing.T) {
	runCases(t, []matchCase{
		{"guide ruler", `{"source":[{"equals-ignore-case":"EC2"}]}`, `{"source":"ec2"}`, true},
		{"guide name", `{"detail":{"name":[{"equals-ignore-case":"alice"}]}}`, `{"detail":{"name":"ALICE"}}`, true},
		{"unicode accents", `{"s":[{"equals-ignore-case":"ÉCOLE"}]}`, `{"s":"école"}`, true},
		{"greek final sigma", `{"s":[{"equals-ignore-case":"ΣΊΣΥΦΟΣ"}]}`, `{"s":"σίσυφος"}`, true},
		{"kelvin sign", `{"s":[{"equals-ignore-case":"k"}]}`, `{"s":"\u212a"}`, true},
		{"different letters", `{"s":[{"equals-ignore-case":"abc"}]}`, `{"s":"abd"}`, false},
		{"not a string", `{"s":[{"equals-ignore-case":"true"}]}`, `{"s":true}`, false},
	})
}

func TestWildcard(t *testing.T) {
	runCases(t, []matchCase{
		{"guide ruler", `{"source":[{"wildcard":"Simple*Service"}]}`, `{"source":"SimpleNotificationService"}`, true},
		{"star matches empty", `{"source":[{"wildcard":"Simple*Service"}]}`, `{"source":"SimpleService"}`, true},
		{"anchored", `{"source":[{"wildcard":"Simple*Service"}]}`, `{"source":"ASimpleService"}`, false},
		{"guide eventbridge", `{"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:*:event-bus/*"}]}`, `{"EventBusArn":"arn:aws:events:us-east-1:123456789012:event-bus/default"}`, true},
		{"guide dir", `{"dir":[{"wildcard":"dir/*.png"}]}`, `{"dir":"dir/dir2/a.png"}`, true},
		{"leading star", `{"f":[{"wildcard":"*.png"}]}`, `{"f":"a.png"}`, true},
		{"both ends", `{"f":[{"wildcard":"*/lib/*"}]}`, `{"f":"/usr/lib/x"}`, true},
		{"both ends miss", `{"f":[{"wildcard":"*/lib/*"}]}`, `{"f":"/usr/bin/x"}`, false},
		{"escaped star", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"a*b"}`, true},
		{"escaped star literal only", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"axxb"}`, false},
		{"escaped backslash", `{"f":[{"wildcard":"a\\\\*"}]}`, `{"f":"a\\xyz"}`, true},
		{"no star is exact", `{"f":[{"wildcard":"abc"}]}`, `{"f":"abcd"}`, false},
		{"overlap ends", `{"f":[{"wildcard":"ab*ba"}]}`, `{"f":"aba"}`, false},
		{"only strings", `{"f":[{"wildcard":"*"}]}`, `{"f":5}`, false},
	})
}

func TestAnythingBut(t *testing.T) {
	runCases(t, []matchCase{
		{"guide string", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, rulerEvent, true},
		{"guide string excluded", `{"detail":{"state":[{"anything-but":"running"}]}}`, rulerEvent, false},
		{"guide number", `{"detail":{"x-limit":[{"anything-but":123}]}}`, rulerEvent, true},
		{"number excluded by value", `{"detail":{"x-limit":[{"anything-but":301.80}]}}`, rulerEvent, false},
		{"guide list", `{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}`, rulerEvent, true},
		{"guide list excluded", `{"detail":{"state":[{"anything-but":["stopped","running"]}]}}`, rulerEvent, false},
		{"guide number list", `{"detail":{"x-limit":[{"anything-but":[100,200,300]}]}}`, rulerEvent, true},
		{"guide prefix", `{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, rulerEvent, true},
		{"prefix excluded", `{"detail":{"state":[{"anything-but":{"prefix":"run"}}]}}`, rulerEvent, false},
		{"guide suffix", `{"FileName":[{"anything-but":{"suffix":".png"}}]}`, `{"FileName":"a.jpg"}`, true},
		{"suffix excluded", `{"FileName":[{"anything-but":{"suffix":".png"}}]}`, `{"FileName":"a.png"}`, false},
		{"suffix list", `{"FileName":[{"anything-but":{"suffix":[".png",".jpg"]}}]}`, `{"FileName":"a.jpg"}`, false},
		{"guide ignore case", `{"state":[{"anything-but":{"equals-ignore-case":"initializing"}}]}`, `{"state":"INITIALIZING"}`, false},
		{"ignore case list", `{"state":[{"anything-but":{"equals-ignore-case":["a","b"]}}]}`, `{"state":"C"}`, true},
		{"guide wildcard", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/lib/a"}`, false},
		{"wildcard other", `{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"FilePath":"/usr/bin/a"}`, true},
		{"absent field never matches", `{"detail":{"missing":[{"anything-but":"x"}]}}`, rulerEvent, false},
		{"null is a value", `{"s":[{"anything-but":"x"}]}`, `{"s":null}`, true},
		{"other types are values", `{"s":[{"anything-but":"3"}]}`, `{"s":3}`, true},
		{"string vs number list", `{"n":[{"anything-but":[3]}]}`, `{"n":"3"}`, true},
		{"array any element", `{"s":[{"anything-but":"a"}]}`, `{"s":["a","b"]}`, true},
		{"array all excluded", `{"s":[{"anything-but":["a","b"]}]}`, `{"s":["a","b"]}`, false},
		{"prefix non string", `{"s":[{"anything-but":{"prefix":"a"}}]}`, `{"s":1}`, true},
	})
}

func TestNumeric(t *testing.T) {
	runCases(t, []matchCase{
		{"guide all", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}`, rulerEvent, true},
		{"lower bound open", `{"n":[{"numeric":[">",5]}]}`, `{"n":5}`, false},
		{"lower bound closed", `{"n":[{"numeric":[">=",5]}]}`, `{"n":5}`, true},
		{"upper bound open", `{"n":[{"numeric":["<",5]}]}`, `{"n":5}`, false},
		{"upper bound closed", `{"n":[{"numeric":["<=",5]}]}`, `{"n":5.0}`, true},
		{"range inside", `{"n":[{"numeric":[">",0,"<",1]}]}`, `{"n":0.5}`, true},
		{"range top", `{"n":[{"numeric":[">",0,"<",1]}]}`, `{"n":1}`, false},
		{"equals other spelling", `{"n":[{"numeric":["=",300]}]}`, `{"n":3e2}`, true},
		{"six decimals", `{"n":[{"numeric":["=",0.000001]}]}`, `{"n":1e-6}`, true},
		{"beyond six decimals truncated", `{"n":[{"numeric":["=",1]}]}`, `{"n":1.0000001}`, true},
		{"negative", `{"n":[{"numeric":["<",-1.5]}]}`, `{"n":-2}`, true},
		{"max value", `{"n":[{"numeric":[">=",5e9]}]}`, `{"n":5000000000}`, true},
		{"out of range event", `{"n":[{"numeric":[">",0]}]}`, `{"n":5000000001}`, false},
		{"strings are not numbers", `{"n":[{"numeric":[">",0]}]}`, `{"n":"5"}`, false},
		{"cloudformation counts", `{"detail":{"finding-severity-counts":{"CRITICAL":[{"exists":false},{"numeric":[">",0]}]}}}`, `{"detail":{"finding-severity-counts":{"CRITICAL":2}}}`, true},
	})
}

func TestExists(t *testing.T) {
	guideA := `{"detail-type":["EC2 Instance State-change Notification"],"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],"detail":{"state":["initializing","running"]}}`
	guideB := `{"detail-type":["EC2 Instance State-change Notification"],"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],"detail":{"state":["initializing","running"],"c-count":{"c1":100}}}`
	runCases(t, []matchCase{
		{"guide exists false", `{"detail":{"c-count":[{"exists":false}]}}`, guideA, true},
		{"guide exists false non-leaf", `{"detail":{"c-count":[{"exists":false}]}}`, guideB, true},
		{"exists true", `{"detail":{"c-count":[{"exists":true}]}}`, rulerEvent, true},
		{"exists true absent", `{"detail":{"c-count":[{"exists":true}]}}`, guideA, false},
		{"exists true on object", `{"detail":{"c-count":[{"exists":true}]}}`, guideB, false},
		{"exists false present", `{"detail":{"c-count":[{"exists":false}]}}`, rulerEvent, false},
		{"null exists", `{"detail":{"responseElements":[{"exists":true}]}}`, nullEvent, true},
		{"null is not absent", `{"detail":{"responseElements":[{"exists":false}]}}`, nullEvent, false},
		{"empty string exists", `{"detail":{"eventVersion":[{"exists":true}]}}`, nullEvent, true},
		{"only exists false", `{"a":[{"exists":false}],"b":[{"exists":false}]}`, `{"c":1}`, true},
		{"exists false and exact", `{"source":["aws.ec2"],"detail":{"zz":[{"exists":false}]}}`, ec2Event, true},
	})
}

func TestCIDR(t *testing.T) {
	runCases(t, []matchCase{
		{"guide v4", `{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]}}`, `{"detail":{"sourceIPAddress":"10.0.0.255"}}`, true},
		{"v4 outside", `{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]}}`, `{"detail":{"sourceIPAddress":"10.0.1.0"}}`, false},
		{"guide ruler /8", `{"detail":{"source-ip":[{"cidr":"10.0.0.0/8"}]}}`, rulerEvent, true},
		{"/0 matches all v4", `{"ip":[{"cidr":"0.0.0.0/0"}]}`, `{"ip":"255.255.255.255"}`, true},
		{"/31", `{"ip":[{"cidr":"10.0.0.0/31"}]}`, `{"ip":"10.0.0.1"}`, true},
		{"/31 outside", `{"ip":[{"cidr":"10.0.0.0/31"}]}`, `{"ip":"10.0.0.2"}`, false},
		{"unmasked bottom", `{"ip":[{"cidr":"10.0.0.5/24"}]}`, `{"ip":"10.0.0.4"}`, false},
		{"v6", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db8:ffff::1"}`, true},
		{"v6 outside", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db9::1"}`, false},
		{"v6 /127", `{"ip":[{"cidr":"::/127"}]}`, `{"ip":"::1"}`, true},
		{"v4 against v6", `{"ip":[{"cidr":"::/0"}]}`, `{"ip":"10.0.0.1"}`, false},
		{"not an address", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"10.0.0.x"}`, false},
		{"not a string", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":10}`, false},
	})
}

func TestOr(t *testing.T) {
	cw := `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"metricType":["MetricType"],"namespace":["AWS/EC2","AWS/ES"]},{"scope":["Service"]}]}`
	nested := `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"metricType":["MetricType"],"namespace":["AWS/EC2","AWS/ES"],"$or":[{"metricId":[1234]},{"spaceId":[1000]}]},{"scope":["Service"]}]}`
	parallel := `{"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}],"detail":{"$or":[{"source":["aws.cloudwatch"]},{"detail-type":["CloudWatch Alarm State Change"]}]}}`
	runCases(t, []matchCase{
		{"guide first branch", cw, `{"source":"aws.cloudwatch","metricName":"ReadLatency"}`, true},
		{"guide second branch", cw, `{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/ES"}`, true},
		{"guide second branch partial", cw, `{"source":"aws.cloudwatch","metricType":"MetricType"}`, false},
		{"guide third branch", cw, `{"source":"aws.cloudwatch","scope":"Service"}`, true},
		{"guide outer must hold", cw, `{"source":"aws.ec2","scope":"Service"}`, false},
		{"nested inner", nested, `{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/EC2","spaceId":1000}`, true},
		{"nested inner missing", nested, `{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/EC2"}`, false},
		{"parallel", parallel, `{"namespace":"AWS/EC2","detail":{"detail-type":"CloudWatch Alarm State Change"}}`, true},
		{"parallel one side", parallel, `{"namespace":"AWS/EC2"}`, false},
		{"guide operators", `{"detail":{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]},{"x-limit":[{"numeric":["=",3.018e2]}]}]}}`, `{"detail":{"d-count":11,"x-limit":301.8}}`, true},
	})
}

// TestMatcherResults checks ids, sorting, deduplication and replacement.
func TestMatcherResults(t *testing.T) {
	m := NewMatcher()
	if ids, err := m.Match([]byte(`{"a":1}`)); err != nil || ids != nil {
		t.Fatalf("empty matcher: %v %v", ids, err)
	}
	m.Add("b", mustCompile(t, `{"source":["aws.ec2"]}`))
	m.Add("a", mustCompile(t, `{"$or":[{"source":["aws.ec2"]},{"detail":{"state":["terminated"]}}]}`))
	m.Add("c", mustCompile(t, `{"source":["nope"]}`))
	ids, _ := m.Match([]byte(ec2Event))
	if !slices.Equal(ids, []string{"a", "b"}) {
		t.Fatalf("ids = %v", ids)
	}
	m.Add("c", mustCompile(t, `{"source":[{"prefix":"aws."}]}`)) // replaces
	m.Remove("b")
	m.Remove("zzz")
	ids, _ = m.Match([]byte(ec2Event))
	if !slices.Equal(ids, []string{"a", "c"}) || m.Len() != 2 {
		t.Fatalf("ids = %v, len %d", ids, m.Len())
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"a":}`, `{"a":1} x`, `{"a":[1,]}`} {
		if _, err := m.Match([]byte(bad)); !errors.Is(err, ErrNotObject) {
			t.Errorf("Match(%q) error = %v, want ErrNotObject", bad, err)
		}
	}
}
