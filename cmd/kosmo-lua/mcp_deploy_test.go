package main

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestKubernetesExample reads examples/deploy/kubernetes.yaml: a Deployment,
// a Service and a HorizontalPodAutoscaler on CPU, probes on /healthz and
// /readyz, a grace period longer than the run timeout, and container
// arguments that `kosmo-lua mcp` accepts.
func TestKubernetesExample(t *testing.T) {
	data, err := os.ReadFile("../../examples/deploy/kubernetes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var deploy map[string]any
	var hpa map[string]any
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("kubernetes.yaml: %v", err)
		}
		kind, _ := m["kind"].(string)
		kinds = append(kinds, kind)
		switch kind {
		case "Deployment":
			deploy = m
		case "HorizontalPodAutoscaler":
			hpa = m
		}
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"Deployment", "HorizontalPodAutoscaler", "Service"}) {
		t.Fatalf("kinds %v", kinds)
	}
	get := func(v any, path ...any) any {
		for _, p := range path {
			switch k := p.(type) {
			case string:
				m, _ := v.(map[string]any)
				v = m[k]
			case int:
				l, _ := v.([]any)
				if k >= len(l) {
					return nil
				}
				v = l[k]
			}
		}
		return v
	}
	if get(hpa, "spec", "metrics", 0, "resource", "name") != "cpu" {
		t.Error("the HorizontalPodAutoscaler does not scale on CPU")
	}
	pod := get(deploy, "spec", "template", "spec")
	c := get(pod, "containers", 0)
	if get(c, "livenessProbe", "httpGet", "path") != "/healthz" || get(c, "readinessProbe", "httpGet", "path") != "/readyz" {
		t.Error("the probes are not /healthz (liveness) and /readyz (readiness)")
	}
	var args []string
	for _, a := range get(c, "args").([]any) {
		args = append(args, a.(string))
	}
	if len(args) == 0 || args[0] != "mcp" {
		t.Fatalf("container args %v; want mcp ...", args)
	}
	te := newTestEnv(t)
	var got *MCPOptions
	cmd := newCmdMCPWith(te.f, func(_ context.Context, o *MCPOptions) error { got = o; return nil }, nil)
	cmd.SetArgs(args[1:])
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("kosmo-lua %s: %v", strings.Join(args, " "), err)
	}
	grace, _ := get(pod, "terminationGracePeriodSeconds").(float64)
	if timeout := got.Flags.timeout().Seconds(); got.HTTP == "" || grace < timeout+drainGrace.Seconds() {
		t.Errorf("--http %q, terminationGracePeriodSeconds %v; want HTTP and a grace period of at least the run timeout (%vs) plus %v", got.HTTP, grace, timeout, drainGrace)
	}
}
