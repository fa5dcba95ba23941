package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
)

func newMigrateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Bring a workspace made by an older trendlab up to this version's schema",
		Long: `migrate opens the workspace for writing, which applies the schema
migrations it lacks, each in its own transaction, and says which version it
is at. Commands that only read (sql, query, report, investigate) open
workspaces read-only and ask for this first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.readOnly {
				return usagef("migrate writes the workspace: drop --read-only")
			}
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "%s is at schema version %d.\n", ws.Path, datasets.SchemaVersion)
			return nil
		},
	}
}
