package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// boto3 against a real shoal: versions and aliases (an execution through an
// alias reports the alias and version), Express workflows through
// StartSyncExecution with botocore's host prefix turned off
// (Config(inject_host_prefix=False); the sync- host does not resolve
// here), the Express errors of the execution APIs, and TestState.
func TestBoto3VersionsAliasesExpressTestState(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	s := Start(t, "--clock", "manual")
	out, err := s.Python(`
import boto3, json
from botocore.config import Config
sfn = boto3.client("stepfunctions", config=Config(inject_host_prefix=False))
role = "` + sfnRole + `"
def passdef(v):
    return json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": v, "End": True}}})
res = {}

sm = sfn.create_state_machine(name="versioned", roleArn=role, definition=passdef("v1"), publish=True, versionDescription="first")
v1 = sm["stateMachineVersionArn"]
sfn.update_state_machine(stateMachineArn=sm["stateMachineArn"], definition=passdef("v2"))
v2 = sfn.publish_state_machine_version(stateMachineArn=sm["stateMachineArn"], description="second")["stateMachineVersionArn"]
page = sfn.list_state_machine_versions(stateMachineArn=sm["stateMachineArn"], maxResults=1)
res["versions"] = [page["stateMachineVersions"][0]["stateMachineVersionArn"]]
page = sfn.list_state_machine_versions(stateMachineArn=sm["stateMachineArn"], maxResults=1, nextToken=page["nextToken"])
res["versions"].append(page["stateMachineVersions"][0]["stateMachineVersionArn"])
alias = sfn.create_state_machine_alias(name="PROD", description="live",
    routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
res["alias"] = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)["routingConfiguration"]
try:
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    res["deleteRouted"] = "no error"
except sfn.exceptions.ConflictException as e:
    res["deleteRouted"] = e.response["Error"]["Code"]
try:
    sfn.create_state_machine_alias(name="bad", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 60}, {"stateMachineVersionArn": v2, "weight": 60}])
    res["badWeights"] = "no error"
except sfn.exceptions.ValidationException as e:
    res["badWeights"] = e.response["Error"]["Code"]
x = sfn.start_execution(stateMachineArn=alias, name="via-alias")["executionArn"]
d = sfn.describe_execution(executionArn=x)
res["viaAlias"] = [d["status"], d["output"], d.get("stateMachineAliasArn") == alias, d.get("stateMachineVersionArn") == v1]
res["aliases"] = [a["stateMachineAliasArn"] == alias for a in sfn.list_state_machine_aliases(stateMachineArn=v1)["stateMachineAliases"]]

ex = sfn.create_state_machine(name="express", roleArn=role, type="EXPRESS", definition=json.dumps({"StartAt": "Par", "States": {
    "Par": {"Type": "Parallel", "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hi {}', $.who)"}, "End": True}}},
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}, "End": True}}}],
     "End": True}}}))["stateMachineArn"]
r = sfn.start_sync_execution(stateMachineArn=ex, name="s1", input=json.dumps({"who": "boto3", "items": [1, 2]}))
res["sync"] = [r["status"], json.loads(r["output"]), r["billingDetails"], ":express:express:s1:" in r["executionArn"]]
try:
    sfn.describe_execution(executionArn=r["executionArn"])
    res["describeExpress"] = "no error"
except sfn.exceptions.InvalidArn as e:
    res["describeExpress"] = e.response["Error"]["Code"]
try:
    sfn.start_sync_execution(stateMachineArn=sm["stateMachineArn"])
    res["syncStandard"] = "no error"
except sfn.exceptions.StateMachineTypeNotSupported as e:
    res["syncStandard"] = e.response["Error"]["Code"]
try:
    sfn.list_executions(stateMachineArn=ex)
    res["listExpress"] = "no error"
except sfn.exceptions.StateMachineTypeNotSupported as e:
    res["listExpress"] = e.response["Error"]["Code"]

ts = sfn.test_state(definition=json.dumps({"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.b"}, "Next": "N"}),
    roleArn=role, input=json.dumps({"a": {"b": 1}}), inspectionLevel="DEBUG")
res["testState"] = [ts["status"], ts["nextState"], ts["output"], ts["inspectionData"]["afterInputPath"], ts["inspectionData"]["afterParameters"]]
print(json.dumps(res))
`)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Versions        []string
		Alias           []map[string]any
		DeleteRouted    string
		BadWeights      string
		ViaAlias        []any
		Aliases         []bool
		Sync            []any
		DescribeExpress string
		SyncStandard    string
		ListExpress     string
		TestState       []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	sm := "arn:aws:states:eu-west-1:123456789012:stateMachine:versioned"
	if len(res.Versions) != 2 || res.Versions[0] != sm+":2" || res.Versions[1] != sm+":1" {
		t.Errorf("versions %v", res.Versions)
	}
	if len(res.Alias) != 1 || res.Alias[0]["weight"] != float64(100) || res.DeleteRouted != "ConflictException" || res.BadWeights != "ValidationException" {
		t.Errorf("alias %v, delete routed %s, bad weights %s", res.Alias, res.DeleteRouted, res.BadWeights)
	}
	if b, _ := json.Marshal(res.ViaAlias); string(b) != `["SUCCEEDED","\"v1\"",true,true]` || len(res.Aliases) != 1 || !res.Aliases[0] {
		t.Errorf("via alias %s, aliases %v", b, res.Aliases)
	}
	if b, _ := json.Marshal(res.Sync); string(b) != `["SUCCEEDED",[{"greeting":"hi boto3"},[1,2]],{"billedDurationInMilliseconds":100,"billedMemoryUsedInMB":64},true]` {
		t.Errorf("sync %s", b)
	}
	if res.DescribeExpress != "InvalidArn" || res.SyncStandard != "StateMachineTypeNotSupported" || res.ListExpress != "StateMachineTypeNotSupported" {
		t.Errorf("express errors: %s %s %s", res.DescribeExpress, res.SyncStandard, res.ListExpress)
	}
	if strings.Join(res.TestState, " ") != `SUCCEEDED N {"b":1} {"b":1} {"b":1}` {
		t.Errorf("test state %v", res.TestState)
	}
}
