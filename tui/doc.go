// Package tui is trendlab's terminal user interface, built on Bubble Tea v2,
// Bubbles v2 and Lip Gloss v2. Investigators explore a workspace, run SQL,
// investigate a hashtag, review samples and write reports without leaving
// the terminal.
//
// # Screens
//
// The root Model (app.go) owns the window size, the theme, the help overlay
// and the key bar, and passes every other message to the screen in front.
// Each screen is one file with its own model, which returns its concrete type
// from Update and draws a string; only the root builds the tea.View. The
// screens and their keys are described once, in help.go: the ? overlay,
// `trendlab tui --help` (HelpText) and the README (HelpMarkdown, checked by
// TestREADMEHelp) come from that table.
//
//	1 Catalog   catalog.go  tables and views with exact row counts and
//	                        columns; a column's summary (nulls, distinct,
//	                        min, max, quantiles) and frequency table, from
//	                        which a value drills down to its rows; imports
//	                        with their provenance and rejects (what it
//	                        reads: catalogdata.go)
//	2 SQL       console.go  multi-line editor, statement under the cursor or
//	                        all of them, spinner with elapsed time, ctrl+c
//	                        interrupts DuckDB and keeps the app; history in
//	                        os.UserConfigDir()/trendlab/history (history.go)
//	3 Results   grid.go     the shared results grid (below; gridview.go
//	                        draws it)
//	4 Tags      tags.go     analysis.Investigate: variants to accept or
//	                        reject and save as a tag set, daily volume as a
//	                        sparkline with spikes, rates with interval bars,
//	                        p-values and MDE, funnel, related tags; each
//	                        number drills down to its videos, a video (t in
//	                        the grid) to its moderation timeline
//	5 Review    review.go   samples: draw one (frame, size, seed, strata),
//	                        resume at the first unlabelled member, label with
//	                        one key (saved at once), optional note, caption
//	                        hidden until revealed, a pause reminder every N
//	                        items, live estimates and Cohen's kappa
//	6 Queries   palette.go  saved queries by fuzzy search, a form for their
//	                        parameters, the result in the grid
//	7 Report    report.go   the HTML report of a saved tag set or the
//	                        investigation (reportpick.go chooses it and
//	                        the sample) through package notebooks
//
// # Results that never sit whole in memory
//
// A query's result (result.go) is written once, by DuckDB's COPY, to a
// Parquet file in the session's private spill folder (removed on exit), and
// read back a page of 2,048 rows at a time by file_row_number range, so a
// result of any size costs disk, not memory, and a page deep in it costs
// what the first does. Where Parquet cannot hold a result (some types, a
// column named file_row_number) it goes to a temporary table on the TUI's
// own connection (session.go: DuckDB keeps temporary tables per
// connection), paged by rowid. A workspace table browsed from the catalog
// is read in place by rowid when its rowids are dense, with LIMIT/OFFSET
// otherwise (views, filters). A page costs about the same whatever its
// rows (at 100 million videos the fixed cost of a read is what counts), so
// pages are large and few. The grid keeps at most four pages, fetching in
// commands the ones on screen and, once they are there, the one either
// side, so that a page down is drawn from memory while the next page is
// fetched; it draws missing rows as … until they arrive. Sorting writes a
// sorted copy the same way; export is queries.ExportOn to CSV, JSON
// (lines) or Parquet: the workspace is confined (queries.Confine), so
// DuckDB itself writes no file but the spill folder's.
//
// On a workspace on a PostgreSQL server (result_pg.go) a result is a
// scrollable cursor WITH HOLD declared in a READ ONLY transaction with the
// server's statement timeout, paged by MOVE ABSOLUTE and FETCH; a table
// browsed in place pages by LIMIT/OFFSET; the catalog comes from
// information_schema (catalogdata_pg.go), with DuckDB's type names, and
// values are written as DuckDB writes them, so that a screen reads the
// same on both engines (TestServerCatalogScreen compares the frames).
// Parquet export needs a DuckDB file.
//
// # Untrusted text
//
// Everything from the data (captions, tags, ids, cell values, and error
// messages that quote them) goes through textsafe.Strip or textsafe.StripLine before it
// is drawn: ANSI CSI/OSC/DCS/APC sequences, other control characters and
// bidirectional overrides are removed (sanitize.go, fuzzed).
//
// # Captions
//
// One rule on every screen (captions.go): a column named caption, and a
// rejected row as read, is hidden until the investigator reveals it for a
// row (r) or for the session (C, Config.ShowCaptions from --show-captions),
// the same default as reports. The SQL console is read-only until switched
// to writing (ctrl+o), and asks before a statement that changes data.
//
// # Colour
//
// The theme (theme.go) follows the terminal's background
// (tea.BackgroundColorMsg, lipgloss.LightDark) unless Config.Background
// pins it; Config.NoColor (NO_COLOR) keeps only bold, faint, underline and
// reverse.
//
// # Tests
//
// teatest drives the model at a fixed size and colour profile; tests wait
// on the output or on the model (probeMsg) instead of sleeping, assert the
// final model, then compare the frame with testdata/*.golden (go test
// -update rewrites them). Package e2e drives the real binary in tmux through
// a whole investigation, the caption rule on every screen included
// (e2e/testdata/tmux_walkthrough.sh). bench_test.go
// measures keypress to frame while scrolling a large result and the time to
// the first screen.
package tui
