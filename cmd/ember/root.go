package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newRootCommand builds the `ember` command and its subcommands. Errors are
// not printed by cobra: run prints every error the same way.
func newRootCommand(io stdio) *cobra.Command {
	root := &cobra.Command{
		Use:           "ember",
		Short:         "Ember, a distributed SQL engine on Apache Arrow",
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version,
	}
	root.SetOut(io.out)
	root.SetErr(io.err)
	root.SetIn(io.in)
	// Without a subcommand the root shows its help; cobra's default
	// argument check makes an unknown subcommand an error.
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newSQLCommand(io), newMasterCommand(io), newWorkerCommand(io), newSubmitCommand(io), newJobsCommand(io), newGenCommand(io), newBenchCommand(io), newVersionCommand(io), newTokenCommand(io))
	return root
}

// newVersionCommand is `ember version`.
func newVersionCommand(io stdio) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print Ember's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(io.out, "ember version %s\n", version)
			return err
		},
	}
}
