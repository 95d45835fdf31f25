// Command vibora is the command-line entry point of the Vibora investigation
// platform. All behaviour lives in internal/cli; this file only wires the
// process: a context cancelled on SIGINT/SIGTERM, the standard streams, and
// the exit code.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/vibora-project/vibora/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
