package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// Plan runs a script without writing; a person reviews the plan; Apply
// sends exactly its writes. A real host loads its key with LoadPlanKey.
func ExampleRuntime_Plan() {
	em, _ := emulator.New(nil)
	defer em.Close()
	rt, err := runtime.New(&runtime.Options{
		APIKey:     emulator.DefaultAPIKey,
		BaseURL:    "http://emulator.local",
		HTTPClient: &http.Client{Transport: em.Transport()},
		PlanKey:    []byte("an example plan key of 32 bytes."),
	})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	ctx := context.Background()
	s := runtime.Script{Source: `
local org = workos.organizations_create{name = "Acme"}
workos.organizations_update_organization{id = org.id, external_id = "acme-1"}
return org.id`}
	res, err := rt.Plan(ctx, s, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("planned result:", string(res.Result))
	for _, w := range res.Plan.Writes {
		fmt.Println(w.Step, w.Summary, w.Uses)
	}
	app, err := rt.Apply(ctx, res.Plan, s)
	if err != nil {
		panic(err)
	}
	fmt.Println(app.Outcome, app.Apply.Applied, strings.HasPrefix(app.Apply.Bindings["org_plan_1"], "org_01"))
	// Output:
	// planned result: "org_plan_1"
	// 1 Create an Organization: name "Acme" []
	// 2 Update an Organization: id "org_plan_1", external_id "acme-1" [org_plan_1]
	// completed 2 true
}
