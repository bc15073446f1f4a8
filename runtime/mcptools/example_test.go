package mcptools_test

import (
	"context"
	"fmt"
	"log"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/mcptools"
)

// A read-only server in code mode, used by an in-process client.
func ExampleNewServer() {
	ctx := context.Background()
	rt, err := runtime.New(&runtime.Options{WritePolicy: runtime.WriteDeny})
	if err != nil {
		log.Fatal(err)
	}
	srv := mcptools.NewServer(rt, &mcptools.Options{Tools: mcptools.ModeCode})

	serverT, clientT := mcp.NewInMemoryTransports()
	if _, err := srv.Connect(ctx, serverT, nil); err != nil {
		log.Fatal(err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "example", Version: "1"}, nil)
	cs, err := client.Connect(ctx, clientT, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer cs.Close()

	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tools.Tools {
		fmt.Println(t.Name)
	}
	// Output:
	// execute_lua
	// lua_list_docs
	// lua_read_doc
	// lua_search_docs
}

func ExampleToolName() {
	fmt.Println(mcptools.ToolName("organizations_list"))
	fmt.Println(mcptools.ToolName("authorization_role_assignments_list_role_assignments_for_resource_by_external_id"))
	// Output:
	// workos_organizations_list
	// workos_authz_role_assigns_list_for_res_by_ext_id
}
