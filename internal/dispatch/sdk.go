package dispatch

import (
	_ "embed"
	"strings"
	"sync"
)

// Step Functions' aws-sdk:<service>:<action> Task resources and Scheduler's
// universal targets (arn:aws:scheduler:::aws-sdk:<service>:<apiAction>)
// name a service by its SDK client id, which is not always shoal's
// registry name (the signing name: "states", "events", "monitoring").

// sdkServices maps an SDK service name that differs from shoal's registry
// name, or whose PascalCase form is not its first letter upper-cased, to
// both. Step Functions prefixes error names with the PascalCase form
// ("Sfn.ExecutionDoesNotExistException", "AcmPca.ResourceNotFoundException"
// in AWS's docs).
var sdkServices = map[string]struct{ service, pascal string }{
	"sfn":            {"states", "Sfn"},
	"eventbridge":    {"events", "EventBridge"},
	"cloudwatch":     {"monitoring", "CloudWatch"},
	"cloudwatchlogs": {"logs", "CloudWatchLogs"},
	"cloudtrail":     {"cloudtrail", "CloudTrail"},
	"acmpca":         {"acmpca", "AcmPca"},
	"dynamodb":       {"dynamodb", "DynamoDb"},
}

// SDKService maps an SDK service name ("sfn", "ssm") to shoal's registry
// name ("states", "ssm") and the PascalCase name AWS's error names carry
// ("Sfn", "Ssm").
func SDKService(name string) (service, pascal string) {
	if s, ok := sdkServices[name]; ok {
		return s.service, s.pascal
	}
	return name, Pascal(name)
}

//go:embed sdkservices.txt
var sdkServiceList string

// knownSDK is the set of sdkservices.txt, read once.
var knownSDK = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(sdkServiceList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
})

// KnownSDKService reports whether name is an AWS SDK service id, whether
// or not shoal implements the service: Step Functions refuses a definition
// naming anything else.
func KnownSDKService(name string) bool { return knownSDK()[name] }
