package awsproto

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/shoal-dev/shoal/internal/dispatch"
)

// These tests call the codecs with the real aws-sdk-go-v2 clients: SSM over
// awsJson1_1, CloudWatch over rpcv2Cbor.

var ssmSpec = &dispatch.Spec{
	Name: "ssm", SigningName: "ssm", Protocols: []string{dispatch.JSON},
	TargetPrefix: "AmazonSSM", JSONVersion: "1.1", APIVersion: "2014-11-06",
}

func sdkCreds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")
}

func ssmServer(t *testing.T) string {
	getParameter := dispatch.Handle("GetParameter", func(_ context.Context, in *getParameterInput) (*getParameterOutput, error) {
		switch in.Name {
		case "/missing":
			return nil, dispatch.NewError("ParameterNotFound", "Parameter %s not found.", in.Name)
		case "/broken":
			return nil, dispatch.Errorf(500, "InternalServerError", "the store is down")
		}
		out := sampleParameter()
		out.Parameter.Name = &in.Name
		if in.WithDecryption == nil || !*in.WithDecryption {
			out.Parameter.Value = ptr("(encrypted)")
		}
		return out, nil
	})
	return serve(t, ssmSpec, getParameter).URL
}

func TestSDKSSMOverJSON(t *testing.T) {
	client := ssm.New(ssm.Options{Region: "us-east-1", BaseEndpoint: aws.String(ssmServer(t)), Credentials: sdkCreds(), RetryMaxAttempts: 1})
	ctx := context.Background()

	out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/prod/db-password"), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	p := out.Parameter
	if aws.ToString(p.Name) != "/app/prod/db-password" || aws.ToString(p.Value) != "correct horse battery staple" || p.Type != ssmtypes.ParameterTypeSecureString || p.Version != 3 {
		t.Fatalf("parameter %+v", p)
	}
	if want := time.UnixMilli(1718108584586); !p.LastModifiedDate.Equal(want) {
		t.Fatalf("LastModifiedDate %v, want %v", p.LastModifiedDate, want)
	}

	_, err = client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/missing")})
	var notFound *ssmtypes.ParameterNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("error %v (%T) is not *types.ParameterNotFound", err, err)
	}
	if notFound.ErrorMessage() != "Parameter /missing not found." {
		t.Fatalf("message %q", notFound.ErrorMessage())
	}

	// InternalServerError declares "Message", not "message".
	_, err = client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/broken")})
	var internal *ssmtypes.InternalServerError
	if !errors.As(err, &internal) || internal.ErrorMessage() != "the store is down" {
		t.Fatalf("error %v (%T), want *types.InternalServerError with its message", err, err)
	}
}

func cloudwatchServer(t *testing.T, got chan<- any) string {
	ops := []dispatch.Op{
		dispatch.Handle("ListMetrics", func(_ context.Context, in *listMetricsInput) (*listMetricsOutput, error) {
			if aws.ToString(in.Namespace) == "Missing" {
				return nil, &dispatch.Error{Code: "ResourceNotFound", Message: "no such namespace", Status: 404}
			}
			got <- in
			return &listMetricsOutput{Metrics: []metric{{Namespace: ptr("AWS/States"), MetricName: ptr("ExecutionsFailed"), Dimensions: []dimension{{"StateMachineArn", "arn:aws:states:us-east-1:000000000000:stateMachine:stop-session"}}}}, NextToken: ptr("next")}, nil
		}),
		dispatch.Handle("PutMetricData", func(_ context.Context, in *putMetricDataInput) (*putMetricDataOutput, error) {
			if in.Namespace == "AWS/Reserved" {
				return nil, &dispatch.Error{Code: "InvalidParameterValueException", QueryCode: "InvalidParameterValue", Message: "The value AWS/ for parameter Namespace is invalid.", Status: 400}
			}
			got <- in
			return &putMetricDataOutput{}, nil
		}),
		dispatch.Handle("GetMetricStatistics", func(_ context.Context, in *getMetricStatisticsInput) (*getMetricStatisticsOutput, error) {
			ts := time.Date(2024, 6, 11, 12, 0, 0, 0, time.UTC)
			return &getMetricStatisticsOutput{Label: ptr(in.MetricName), Datapoints: []datapoint{{Timestamp: &ts, Sum: ptr(2.0), Unit: "Count"}}}, nil
		}),
	}
	return serve(t, cloudwatchSpec, ops...).URL
}

func TestSDKCloudWatchOverCBOR(t *testing.T) {
	got := make(chan any, 1)
	client := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", BaseEndpoint: aws.String(cloudwatchServer(t, got)), Credentials: sdkCreds(), RetryMaxAttempts: 1})
	ctx := context.Background()

	list, err := client.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/States"), Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("StateMachineArn")}}})
	if err != nil {
		t.Fatal(err)
	}
	mustSame(t, <-got, &listMetricsInput{Namespace: ptr("AWS/States"), Dimensions: []dimensionFilter{{Name: "StateMachineArn"}}})
	if len(list.Metrics) != 1 || aws.ToString(list.Metrics[0].MetricName) != "ExecutionsFailed" || aws.ToString(list.Metrics[0].Dimensions[0].Name) != "StateMachineArn" || aws.ToString(list.NextToken) != "next" {
		t.Fatalf("ListMetrics output %+v", list)
	}

	ts := time.Date(2024, 6, 11, 12, 23, 4, 586e6, time.UTC)
	_, err = client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Shoal/Test"), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String("Latency"), Timestamp: &ts, Value: aws.Float64(12.5), Unit: cwtypes.StandardUnitMilliseconds,
		Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("api")}}, StorageResolution: aws.Int32(1),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	mustSame(t, <-got, &putMetricDataInput{Namespace: "Shoal/Test", MetricData: []metricDatum{{
		MetricName: "Latency", Timestamp: &ts, Value: ptr(12.5), Unit: "Milliseconds", Dimensions: []dimension{{"Service", "api"}}, StorageResolution: ptr(int32(1)),
	}}})

	stats, err := client.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("AWS/States"), MetricName: aws.String("ExecutionsFailed"), StartTime: &ts, EndTime: &ts, Period: aws.Int32(60), Statistics: []cwtypes.Statistic{cwtypes.StatisticSum}})
	if err != nil {
		t.Fatal(err)
	}
	if len(stats.Datapoints) != 1 || !stats.Datapoints[0].Timestamp.Equal(time.Date(2024, 6, 11, 12, 0, 0, 0, time.UTC)) || aws.ToFloat64(stats.Datapoints[0].Sum) != 2 {
		t.Fatalf("GetMetricStatistics output %+v", stats)
	}

	_, err = client.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("Missing")})
	var notFound *cwtypes.ResourceNotFound
	if !errors.As(err, &notFound) || notFound.ErrorMessage() != "no such namespace" {
		t.Fatalf("error %v (%T), want *types.ResourceNotFound", err, err)
	}

	_, err = client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/Reserved"), MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("x"), Value: aws.Float64(1)}}})
	var invalid *cwtypes.InvalidParameterValueException
	if !errors.As(err, &invalid) {
		t.Fatalf("error %v (%T), want *types.InvalidParameterValueException", err, err)
	}
	// The query-compatible header gives the SDK the query error code.
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidParameterValue" || apiErr.ErrorFault() != smithy.FaultClient {
		t.Fatalf("ErrorCode %q fault %v, want InvalidParameterValue, client", apiErr.ErrorCode(), apiErr.ErrorFault())
	}
}
