// Package cli holds Vibora's cobra commands, one file per noun and verb.
// Commands parse flags, call into the domain packages (investigation for
// anything that changes the store) and render results; they hold no logic of
// their own.
//
// Exit codes, documented in docs/cli-json.md:
//
//	0  success
//	1  the command ran but found a failure (a file that did not hash,
//	   a manifest mismatch, a broken audit chain)
//	2  usage error (bad flags or arguments)
//	3  operational error (store unreachable, I/O failure)
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/display"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
	ExitError   = 3
)

// Version is the release of this build; overridden with -ldflags at release.
var Version = "0.1.0-dev"

// Streams are the process's standard streams, injected so tests can run
// commands in-process.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// globals are the flags shared by every command.
type globals struct {
	streams Streams
	db      string // --db / VIBORA_DB
	json    bool   // --json
	actor   string // --actor / VIBORA_ACTOR: who is recorded in the audit trail
	logger  *slog.Logger
}

// usageError marks an error caused by how the command was called (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// failureError marks a command that ran to the end but found failures
// (exit 1). Its message has already been reported.
type failureError struct{ msg string }

func (e failureError) Error() string { return e.msg }

// hintError carries an extra line of advice printed after the error.
type hintError struct {
	err  error
	hint string
}

func (e hintError) Error() string { return e.err.Error() }
func (e hintError) Unwrap() error { return e.err }

func withHint(err error, hint string) error { return hintError{err: err, hint: hint} }

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, s Streams) int {
	return runRoot(ctx, args, s, nil)
}

// runRoot is Run; before (tests) runs first. A panic in the command's own
// goroutine is reported and exits 3 (ExitError), never 2: exit 2 means a
// usage error.
func runRoot(ctx context.Context, args []string, s Streams, before func()) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(s.Err, "vibora: internal error: %v\n%s", r, debug.Stack())
			code = ExitError
		}
	}()
	if before != nil {
		before()
	}
	g := &globals{streams: s}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var fe failureError
	if errors.As(err, &fe) {
		if fe.msg != "" {
			fmt.Fprintf(s.Err, "vibora: %s\n", display.EscapeText(fe.msg))
		}
		return ExitFailure
	}
	fmt.Fprintf(s.Err, "vibora: error: %s\n", display.EscapeText(err.Error()))
	var he hintError
	if errors.As(err, &he) {
		fmt.Fprintf(s.Err, "vibora: hint: %s\n", display.EscapeText(he.hint))
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return ExitUsage
	}
	return ExitError
}

// isCobraUsage reports whether err comes from cobra's own argument and flag
// validation, which happens before RunE.
func isCobraUsage(err error) bool {
	var fe *flagError
	if errors.As(err, &fe) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"required flag", "unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "flag needs an argument", "if any flags in the group"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "vibora",
		Short: "Vibora: triage, analysis and referral for child-exploitation investigations",
		Long: `Vibora triages seized media against known-material hash banks, analyses
messaging groups and infostealer logs, attributes identifiers to countries
and keeps an append-only, hash-chained audit trail of every action.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.db == "" {
				g.db = envOr("VIBORA_DB", "vibora.db")
			}
			if g.actor == "" {
				g.actor = envOr("VIBORA_ACTOR", defaultActor())
			}
			g.logger = slog.New(slog.NewTextHandler(g.streams.Err, &slog.HandlerOptions{Level: logLevel()}))
			// The command line acts for the OS user, owner of their own
			// store; --actor is the name the audit trail shows.
			cmd.SetContext(access.NewContext(cmd.Context(), access.LocalPrincipal(osUser(), g.actor)))
			return nil
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &flagError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.db, "db", "", "store: a SQLite file path or a postgres:// DSN (env VIBORA_DB, default ./vibora.db)")
	pf.BoolVar(&g.json, "json", false, "print machine-readable JSON (see docs/cli-json.md)")
	pf.StringVar(&g.actor, "actor", "", "who is acting, recorded in the audit trail (env VIBORA_ACTOR, default the OS user)")

	for _, newCmd := range commands {
		root.AddCommand(newCmd(g))
	}
	// Without this, cobra prints help and exits 0 on an unknown command.
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return withHint(usagef("unknown command %q", args[0]), "run 'vibora --help' for the list of commands")
		}
		return cmd.Help()
	}
	return root
}

// commands lists the constructors of every top-level command. Keep it sorted.
var commands = []func(*globals) *cobra.Command{
	newAgencyCmd,
	newAICmd,
	newAuditCmd,
	newBankCmd,
	newCaseCmd,
	newChatCmd,
	newClustersCmd,
	newDeconflictCmd,
	newDemoCmd,
	newExhibitCmd,
	newFilesCmd,
	newHashCmd,
	newIngestCmd,
	newJobsCmd,
	newKeyCmd,
	newLeadsCmd,
	newMatchCmd,
	newMatcherCmd,
	newOperationCmd,
	newPaymentsCmd,
	newPersonCmd,
	newPlatformCmd,
	newReferralCmd,
	newSeriesCmd,
	newServeCmd,
	newStealerCmd,
	newSuspectsCmd,
	newIDCmd,
	newTokenCmd,
	newUserCmd,
	newVerifyCmd,
	newVersionCmd,
	newWorkerCmd,
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func defaultActor() string { return osUser() }

// osUser is the name of the user running the process.
func osUser() string {
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

func logLevel() slog.Level {
	switch os.Getenv("VIBORA_LOG") {
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "error":
		return slog.LevelError
	}
	return slog.LevelWarn
}

// argsUsage wraps a cobra positional-args validator so its failures exit 2.
func argsUsage(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
