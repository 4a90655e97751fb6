package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/shoaltest"
)

// The HTTP Task (arn:aws:states:::http:invoke) calls a loopback API through
// an EventBridge connection: the connection's API key and invocation
// parameters (which win over the task's) are on the request, the URL
// encoded body follows the ArrayFormat, the answer is the task's result,
// and a 404 fails the task with States.Http.StatusCode.404, which a Catch
// sees.
func TestHTTPTaskThroughConnection(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	var bodies []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, string(b))
		mu.Unlock()
		if r.URL.Path == "/missing" {
			http.Error(w, "no such thing", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer api.Close()

	s := shoaltest.New(t)
	reg := s.Server.Registry()
	ctx := context.Background()
	caller := dispatch.Caller{AccountID: "123456789012", Region: "eu-west-1"}
	call := func(service, op, in string) map[string]any {
		t.Helper()
		out, err := reg.CallJSON(ctx, caller, service, op, []byte(in))
		if err != nil {
			t.Fatalf("%s.%s: %v", service, op, err)
		}
		b, _ := json.Marshal(dispatch.OutputToJSON(out))
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	conn := call("events", "CreateConnection", `{"Name":"api","AuthorizationType":"API_KEY","AuthParameters":{
		"ApiKeyAuthParameters":{"ApiKeyName":"x-api-key","ApiKeyValue":"secret"},
		"InvocationHttpParameters":{"HeaderParameters":[{"Key":"X-Conn","Value":"c"}],"QueryStringParameters":[{"Key":"q","Value":"from-connection"}]}}}`)["ConnectionArn"].(string)
	def := `{"StartAt":"Call","States":{
		"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{
			"ApiEndpoint":"` + api.URL + `/ok","Method":"POST","Authentication":{"ConnectionArn":"` + conn + `"},
			"QueryParameters":{"q":"from-task","page":"2"},"Headers":{"X-Task":"t"},
			"RequestBody":{"a":[1,2],"b":"x y"},
			"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"BRACKETS"}}},
			"ResultSelector":{"status.$":"$.StatusCode","text.$":"$.StatusText","body.$":"$.ResponseBody"},"ResultPath":"$.first","Next":"Missing"},
		"Missing":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{
			"ApiEndpoint":"` + api.URL + `/missing","Method":"GET","Authentication":{"ConnectionArn":"` + conn + `"}},
			"Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"ResultPath":"$.error","Next":"Done"}],"End":true},
		"Done":{"Type":"Pass","End":true}}}`
	defJSON, _ := json.Marshal(def)
	sm := call("states", "CreateStateMachine", `{"name":"http","roleArn":"arn:aws:iam::123456789012:role/sfn","definition":`+string(defJSON)+`}`)["StateMachineArn"].(string)
	arn := call("states", "StartExecution", `{"stateMachineArn":"`+sm+`","input":"{}"}`)["ExecutionArn"].(string)

	// The calls leave the process, so the runner makes them outside the
	// request; poll until the execution ends.
	var d map[string]any
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for d = call("states", "DescribeExecution", `{"executionArn":"`+arn+`"}`); d["Status"] == "RUNNING"; d = call("states", "DescribeExecution", `{"executionArn":"`+arn+`"}`) {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("execution still running: %v", d)
		}
	}
	if d["Status"] != "SUCCEEDED" {
		t.Fatalf("execution %v", d)
	}
	var out struct {
		First struct {
			Status int
			Text   string
			Body   map[string]any
		}
		Error struct{ Error, Cause string }
	}
	if err := json.Unmarshal([]byte(d["Output"].(string)), &out); err != nil {
		t.Fatal(err)
	}
	if out.First.Status != 200 || out.First.Text != "OK" || out.First.Body["ok"] != true {
		t.Errorf("first call's result %+v", out.First)
	}
	if out.Error.Error != "States.Http.StatusCode.404" || !strings.Contains(out.Error.Cause, `"StatusCode":404`) {
		t.Errorf("second call's failure %+v", out.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	r := got[0]
	if r.Method != "POST" || r.Header.Get("x-api-key") != "secret" || r.Header.Get("X-Conn") != "c" || r.Header.Get("X-Task") != "t" ||
		r.URL.Query().Get("q") != "from-connection" || r.URL.Query().Get("page") != "2" ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || bodies[0] != "a%5B%5D=1&a%5B%5D=2&b=x+y" {
		t.Errorf("request %s %s headers %v body %q", r.Method, r.URL, r.Header, bodies[0])
	}
}
