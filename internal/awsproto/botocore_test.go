package awsproto

import (
	"context"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

type snsPublishOutput struct {
	MessageID *string `json:"MessageId,omitempty"`
}

type listTopicsInput struct {
	NextToken *string `json:"NextToken,omitempty"`
}

type topic struct {
	TopicArn *string `json:"TopicArn,omitempty"`
}

type listTopicsOutput struct {
	Topics    []topic `json:"Topics,omitempty"`
	NextToken *string `json:"NextToken,omitempty"`
}

var snsSpec = &dispatch.Spec{
	Name: "sns", SigningName: "sns", Protocols: []string{dispatch.Query},
	APIVersion: "2010-03-31", XMLNamespace: "http://sns.amazonaws.com/doc/2010-03-31/", ValidationCode: "InvalidParameter",
}

func snsServer(t *testing.T) string {
	return serve(t, snsSpec,
		dispatch.Handle("Publish", func(_ context.Context, in *snsPublishInput) (*snsPublishOutput, error) {
			if in.TopicArn != nil && *in.TopicArn == "arn:aws:sns:us-east-1:000000000000:missing" {
				return nil, dispatch.Errorf(404, "NotFound", "Topic does not exist")
			}
			id := "msg"
			for k, v := range in.MessageAttributes {
				id += "-" + k + "=" + v.DataType + ":" + *v.StringValue
			}
			return &snsPublishOutput{MessageID: &id}, nil
		}),
		dispatch.Handle("ListTopics", func(_ context.Context, in *listTopicsInput) (*listTopicsOutput, error) {
			return &listTopicsOutput{Topics: []topic{{ptr("arn:aws:sns:us-east-1:000000000000:alerts")}, {ptr("arn:aws:sns:us-east-1:000000000000:failures")}}}, nil
		}),
	).URL
}

// TestBotocore has botocore 1.43 parse the codecs' responses: awsJson
// (SSM), query (SNS) and rpcv2Cbor (CloudWatch, botocore's default for it).
func TestBotocore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts python3")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 is not installed")
	}
	cw := make(chan any, 8)
	urls, _ := json.Marshal(map[string]string{"ssm": ssmServer(t), "sns": snsServer(t), "cloudwatch": cloudwatchServer(t, cw)})
	cmd := exec.Command("python3", "testdata/botocore_client.py", string(urls))
	raw, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("botocore_client.py: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	want := map[string]any{
		"ssm_get":     map[string]any{"name": "/app/prod/db-password", "value": "correct horse battery staple", "version": 3.0, "modified": "2024-06-11T12:23:04.586000+00:00", "request_id": "req-0001"},
		"ssm_missing": map[string]any{"class": "ParameterNotFound", "code": "ParameterNotFound", "message": "Parameter /missing not found.", "type": nil, "status": 400.0, "request_id": "req-0001"},
		"sns_publish": map[string]any{"message_id": "msg-k=String:v", "request_id": "req-0001"},
		"sns_list":    map[string]any{"topics": []any{"arn:aws:sns:us-east-1:000000000000:alerts", "arn:aws:sns:us-east-1:000000000000:failures"}, "next": nil},
		"sns_missing": map[string]any{"class": "NotFoundException", "code": "NotFound", "message": "Topic does not exist", "type": "Sender", "status": 404.0, "request_id": "req-0001"},
		"cw_list": map[string]any{
			"metrics":    []any{[]any{"AWS/States", "ExecutionsFailed", []any{[]any{"StateMachineArn", "arn:aws:states:us-east-1:000000000000:stateMachine:stop-session"}}}},
			"next":       "next",
			"request_id": "req-0001",
		},
		"cw_stats":   []any{[]any{"2024-06-11T12:00:00+00:00", 2.0, "Count"}},
		"cw_put":     200.0,
		"cw_invalid": map[string]any{"class": "InvalidParameterValueException", "code": "InvalidParameterValue", "message": "The value AWS/ for parameter Namespace is invalid.", "type": "Sender", "status": 400.0, "request_id": "req-0001"},
		"cw_missing": map[string]any{"class": "ResourceNotFound", "code": "ResourceNotFound", "message": "no such namespace", "type": "Sender", "status": 404.0, "request_id": "req-0001"},
	}
	for k, w := range want {
		g, _ := json.Marshal(got[k])
		wj, _ := json.Marshal(w)
		if string(g) != string(wj) {
			t.Errorf("%s:\n got %s\nwant %s", k, g, wj)
		}
	}
}
