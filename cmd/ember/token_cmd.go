package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ember-sql/ember/cluster/auth"
)

// newTokenCommand is `ember token`: it prints the bearer token a cluster's
// secret gives, for clients that are not Ember (Flight SQL drivers, ADBC,
// JDBC), which send it as "authorization: Bearer <token>".
func newTokenCommand(io stdio) *cobra.Command {
	var secretFile string
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print the bearer token of a cluster secret, for Flight SQL clients",
		Example: `  ember token --secret-file /etc/ember/secret
  # then, with arrow-go's database/sql driver:
  #   sql.Open("flightsql", "flightsql://master:7077?token=<token>")`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if secretFile == "" {
				return fmt.Errorf("--secret-file is required")
			}
			secret, err := readSecret(secretFile)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(io.out, auth.Token(secret))
			return err
		},
	}
	cmd.Flags().StringVar(&secretFile, "secret-file", "", "file holding the cluster's shared secret")
	return cmd
}
