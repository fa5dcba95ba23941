// Package tui is trendlab's terminal user interface, built on Bubble Tea v2.
package tui
