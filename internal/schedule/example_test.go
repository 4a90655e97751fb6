package schedule_test

import (
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/schedule"
)

// The seed's WordPress pipeline runs at 07:00 every morning. In
// Europe/London that is 06:00 UTC in summer and 07:00 UTC in winter.
func ExampleParse() {
	e, err := schedule.Parse("cron(0 7 * * ? *)")
	if err != nil {
		panic(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	t := time.Date(2025, 10, 24, 12, 0, 0, 0, time.UTC)
	for range 3 {
		t, _ = e.Next(t, london)
		fmt.Println(t.UTC().Format(time.RFC3339), t.Format("15:04 MST"))
	}
	// Output:
	// 2025-10-25T06:00:00Z 07:00 BST
	// 2025-10-26T07:00:00Z 07:00 GMT
	// 2025-10-27T07:00:00Z 07:00 GMT
}

// PutRule and CreateSchedule reject an expression with different messages.
func ExampleError() {
	_, err := schedule.ParseRule("rate(5 minute)")
	if e, ok := err.(*schedule.Error); ok {
		fmt.Println(e.RuleMessage())
		fmt.Println(e.SchedulerMessage())
		fmt.Println(e)
	}
	// Output:
	// Parameter ScheduleExpression is not valid.
	// Invalid Schedule Expression rate(5 minute).
	// invalid schedule expression "rate(5 minute)": rate unit must be singular when the value is 1 and plural otherwise
}
