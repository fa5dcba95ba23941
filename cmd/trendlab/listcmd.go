package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
)

// listCmd is the shape every "list" subcommand shares: open the workspace
// read-only, load the items, print them as JSON (--json) or as a table with
// header and one row per item (cells tab-separated), or say empty when
// there are none and empty is not "".
type listCmd[T any] struct {
	short, header, empty, jsonHelp string
	load                           func(context.Context, *datasets.Workspace) ([]T, error)
	row                            func(T) string
}

func (l listCmd[T]) command(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: l.short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			items, err := l.load(cmd.Context(), ws)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, items)
			}
			if len(items) == 0 && l.empty != "" {
				fmt.Fprintln(out, l.empty)
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, l.header)
			for _, it := range items {
				fmt.Fprintln(tw, l.row(it))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, l.jsonHelp)
	return cmd
}
