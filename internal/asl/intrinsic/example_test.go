package intrinsic_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/shoal-dev/shoal/internal/asl/intrinsic"
)

func Example() {
	call, err := intrinsic.Parse("States.Format('Hi! AWS Step Functions has stopped this Glue session for you: {}', $)")
	if err != nil {
		panic(err)
	}
	env := &intrinsic.Env{
		Input:  map[string]any{"Id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"},
		Random: rand.New(rand.NewPCG(1, 2)),
	}
	msg, _ := call.Eval(env)
	fmt.Println(msg)
	// Output:
	// Hi! AWS Step Functions has stopped this Glue session for you: {Id=glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282}
}

func ExampleCall_Eval_failure() {
	call, _ := intrinsic.Parse("States.ArrayGetItem($.items, 3)")
	_, err := call.Eval(&intrinsic.Env{Input: map[string]any{"items": []any{json.Number("1")}}})
	var f *intrinsic.Failure
	if errors.As(err, &f) {
		fmt.Println(intrinsic.ErrorName, "|", f.Cause)
	}
	// Output:
	// States.IntrinsicFailure | States.ArrayGetItem: index 3 is out of bounds for an array of 1 element
}

func ExampleParse_error() {
	_, err := intrinsic.Parse("States.ArrayRange(1, 9)")
	fmt.Println(err)
	// Output:
	// invalid intrinsic function call "States.ArrayRange(1, 9)" at offset 0: States.ArrayRange takes 3 arguments but was given 2
}
