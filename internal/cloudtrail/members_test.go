package cloudtrail

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/events"
)

// Members the model calls sensitive never reach a CloudTrail record, however
// deeply they are nested; their siblings do.
func TestSensitiveMembersHidden(t *testing.T) {
	in := &events.CreateConnectionInput{
		Name:              "wp",
		AuthorizationType: "BASIC",
		AuthParameters: &events.AuthParameters{
			BasicAuthParameters: &events.BasicAuthParameters{Username: "shark", Password: "pw-secret"},
			InvocationHttpParameters: &events.ConnectionHttpParameters{
				HeaderParameters: []events.ConnectionHeaderParameter{{Key: "X-Token", Value: "hdr-secret", IsValueSecret: true}},
			},
		},
	}
	b, err := json.Marshal(members(in))
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, secret := range []string{"pw-secret", "hdr-secret"} {
		if strings.Contains(got, secret) {
			t.Errorf("record leaks %q: %s", secret, got)
		}
	}
	for _, want := range []string{`"username":"shark"`, `"password":"HIDDEN_DUE_TO_SECURITY_REASONS"`, `"key":"X-Token"`} {
		if !strings.Contains(got, want) {
			t.Errorf("record %s lacks %s", got, want)
		}
	}
}
