"""Drives shoal's codecs with the real botocore parsers.

Usage: botocore_client.py '{"ssm": url, "sns": url, "cloudwatch": url}'
Prints one JSON object of observations; botocore_test.go compares them.
"""
import json
import sys

import boto3
from botocore.config import Config

urls = json.loads(sys.argv[1])
out = {}


def client(name):
    return boto3.client(
        name,
        endpoint_url=urls[name],
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def error_of(call):
    try:
        call()
    except Exception as e:  # botocore's modeled exception classes
        err = e.response["Error"]
        return {
            "class": type(e).__name__,
            "code": err.get("Code"),
            "message": err.get("Message"),
            "type": err.get("Type"),
            "status": e.response["ResponseMetadata"].get("HTTPStatusCode"),
            "request_id": e.response["ResponseMetadata"].get("RequestId"),
        }
    return None


ssm = client("ssm")
p = ssm.get_parameter(Name="/app/prod/db-password", WithDecryption=True)
out["ssm_get"] = {
    "name": p["Parameter"]["Name"],
    "value": p["Parameter"]["Value"],
    "version": p["Parameter"]["Version"],
    "modified": p["Parameter"]["LastModifiedDate"].isoformat(),
    "request_id": p["ResponseMetadata"]["RequestId"],
}
out["ssm_missing"] = error_of(lambda: ssm.get_parameter(Name="/missing"))

sns = client("sns")
r = sns.publish(
    TopicArn="arn:aws:sns:us-east-1:000000000000:alerts",
    Message="hi",
    MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
)
out["sns_publish"] = {"message_id": r["MessageId"], "request_id": r["ResponseMetadata"]["RequestId"]}
t = sns.list_topics()
out["sns_list"] = {"topics": [x["TopicArn"] for x in t["Topics"]], "next": t.get("NextToken")}
out["sns_missing"] = error_of(lambda: sns.publish(TopicArn="arn:aws:sns:us-east-1:000000000000:missing", Message="hi"))

cw = client("cloudwatch")
m = cw.list_metrics(Namespace="AWS/States")
out["cw_list"] = {
    "metrics": [[x["Namespace"], x["MetricName"], [[d["Name"], d["Value"]] for d in x["Dimensions"]]] for x in m["Metrics"]],
    "next": m.get("NextToken"),
    "request_id": m["ResponseMetadata"]["RequestId"],
}
s = cw.get_metric_statistics(
    Namespace="AWS/States", MetricName="ExecutionsFailed",
    StartTime="2024-06-11T12:00:00Z", EndTime="2024-06-11T13:00:00Z", Period=60, Statistics=["Sum"],
)
out["cw_stats"] = [[d["Timestamp"].isoformat(), d["Sum"], d["Unit"]] for d in s["Datapoints"]]
out["cw_put"] = cw.put_metric_data(
    Namespace="Shoal/Test",
    MetricData=[{"MetricName": "Latency", "Value": 12.5, "Unit": "Milliseconds"}],
)["ResponseMetadata"]["HTTPStatusCode"]
out["cw_invalid"] = error_of(lambda: cw.put_metric_data(Namespace="AWS/Reserved", MetricData=[{"MetricName": "x", "Value": 1}]))
out["cw_missing"] = error_of(lambda: cw.list_metrics(Namespace="Missing"))

json.dump(out, sys.stdout, sort_keys=True)
