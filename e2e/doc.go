// Package e2e holds trendlab's end-to-end tests: they build the real binary
// once (TestMain) and drive it as a user would, the terminal UI through tmux
// (testdata/tmux_walkthrough.sh). The package has no code of its own; its
// tests are skipped with -short.
package e2e
