// Package testws builds workspaces of synthetic exports for tests, so that
// every package's tests make them the same way: generate with synth, import
// with datasets.Import, close when done.
package testws

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// New generates cfg's exports (into a temporary folder unless cfg.Dir is
// set) and imports them into a new in-memory workspace, closed when the
// test ends.
func New(t testing.TB, cfg synth.Config) (*datasets.Workspace, synth.Manifest) {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	ws, m, err := build(cfg)
	if err != nil {
		t.Fatalf("synthetic workspace: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws, m
}

// Import generates cfg's exports and imports them into ws, as a later
// export arrives; cfg.Dir is a temporary folder unless set.
func Import(t testing.TB, ws *datasets.Workspace, cfg synth.Config) synth.Manifest {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	m, err := generateAndImport(ws, cfg)
	if err != nil {
		t.Fatalf("synthetic export: %v", err)
	}
	return m
}

type shared struct {
	once sync.Once
	ws   *datasets.Workspace
	m    synth.Manifest
	dir  string
	err  error
}

var (
	sharedMu sync.Mutex
	built    = map[string]*shared{}
)

// Shared is New's workspace made once per test binary for each cfg, for
// tests that only read it. CloseShared, from TestMain, closes it.
func Shared(t testing.TB, cfg synth.Config) (*datasets.Workspace, synth.Manifest) {
	t.Helper()
	key := fmt.Sprintf("%+v", cfg)
	sharedMu.Lock()
	s := built[key]
	if s == nil {
		s = &shared{}
		built[key] = s
	}
	sharedMu.Unlock()
	s.once.Do(func() {
		if cfg.Dir == "" {
			if s.dir, s.err = os.MkdirTemp("", "trendlab-testws-"); s.err != nil {
				return
			}
			cfg.Dir = s.dir
		}
		s.ws, s.m, s.err = build(cfg)
	})
	if s.err != nil {
		t.Fatalf("synthetic workspace: %v", s.err)
	}
	return s.ws, s.m
}

// CloseShared closes the workspaces Shared made and removes their exports.
func CloseShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	for key, s := range built {
		if s.ws != nil {
			s.ws.Close()
		}
		if s.dir != "" {
			os.RemoveAll(s.dir)
		}
		delete(built, key)
	}
}

func build(cfg synth.Config) (*datasets.Workspace, synth.Manifest, error) {
	ws, err := datasets.OpenMemory(context.Background())
	if err != nil {
		return nil, synth.Manifest{}, err
	}
	m, err := generateAndImport(ws, cfg)
	if err != nil {
		ws.Close()
		return nil, m, err
	}
	return ws, m, nil
}

func generateAndImport(ws *datasets.Workspace, cfg synth.Config) (synth.Manifest, error) {
	ctx := context.Background()
	m, err := synth.Generate(ctx, cfg)
	if err != nil {
		return m, err
	}
	_, err = datasets.Import(ctx, ws, datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}})
	return m, err
}
