// Command pulumi-language-nodejs is pgtier's own Node.js language host for the
// Pulumi CLI.
//
// The official host lives in a Go module that the module proxy reachable here
// does not serve, so pgtier builds this small one against the Pulumi Go SDK's
// gRPC definitions instead. It implements what pgtier uses: running a compiled
// Node.js program (`pulumi up/preview/refresh/destroy`), and starting Node.js
// plugins (a resource provider with PulumiPlugin.yaml, or a policy pack with
// PulumiPolicy.yaml) through the entry points that @pulumi/pulumi ships in
// cmd/run, cmd/run-plugin and cmd/run-policy-pack.
//
// The engine starts it with the engine's address as the last argument and reads
// the port this process listens on from the first line of its stdout.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	// The engine may pass these; the SDK's logging package already defines
	// -v and -logtostderr on the default flag set.
	for _, name := range []string{"root", "tracing"} {
		if flag.Lookup(name) == nil {
			flag.String(name, "", "accepted for compatibility")
		}
	}
	flag.Parse()

	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	// Like Pulumi's own plugins: stop when the engine goes away (a `pulumi`
	// killed with SIGKILL cannot stop its plugins), rather than linger.
	cancel := make(chan bool)
	if engineAddress != "" {
		ctx, stop := context.WithCancel(context.Background())
		go func() {
			<-ctx.Done()
			close(cancel)
		}()
		go func() {
			_ = rpcutil.Healthcheck(ctx, engineAddress, 2*time.Second, stop)
		}()
	}

	host := &languageHost{engineAddress: engineAddress}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}
