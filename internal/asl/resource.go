package asl

import "strings"

// SplitResource splits a Task's Resource into the resourceType and resource
// history events name: "arn:aws:states:::aws-sdk:glue:stopSession" is
// ("aws-sdk:glue", "stopSession"), "arn:aws:states:::sns:publish" is
// ("sns", "publish"); other ARNs (activities, Lambda functions) are split at
// their resource type.
func SplitResource(resource string) (resourceType, name string) {
	if i := strings.Index(resource, ":::"); i >= 0 && strings.HasPrefix(resource, "arn:") {
		rest := resource[i+3:]
		skip := 0
		if strings.HasPrefix(rest, "aws-sdk:") {
			skip = len("aws-sdk:")
		}
		if j := strings.IndexByte(rest[skip:], ':'); j >= 0 {
			return rest[:skip+j], rest[skip+j+1:]
		}
		return rest, ""
	}
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) == 7 {
		return parts[2], parts[5] + ":" + parts[6]
	}
	return "", resource
}
