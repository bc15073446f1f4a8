package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
)

// An emulator in process: no socket, the default seed, the default key.
func Example() {
	e, err := emulator.New(nil)
	if err != nil {
		panic(err)
	}
	hc := &http.Client{Transport: e.Transport()}
	req, _ := http.NewRequest("GET", "http://emulator/organizations/org_01HACME00000000000000000AC", nil)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultAPIKey)
	resp, err := hc.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var org struct {
		Name    string `json:"name"`
		Domains []struct {
			Domain string `json:"domain"`
		} `json:"domains"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&org)
	fmt.Println(resp.StatusCode, org.Name, org.Domains[0].Domain)
	// Output: 200 Acme Corp acme.com
}
