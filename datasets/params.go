package datasets

import (
	"context"
	"database/sql"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// Runner is what *sql.DB, *sql.Conn and *sql.Tx provide.
type Runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Params returns r for statements written with ? parameters in the SQL
// both engines share: on a server workspace each ? becomes $n
// (sqltext.Numbered), on DuckDB r is returned as it is.
func (w *Workspace) Params(r Runner) Runner {
	if w.Dialect != Postgres {
		return r
	}
	return numbered{r}
}

// numbered numbers the ? parameters of every statement it runs.
type numbered struct{ r Runner }

func (n numbered) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return n.r.ExecContext(ctx, sqltext.Numbered(q), args...)
}

func (n numbered) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return n.r.QueryContext(ctx, sqltext.Numbered(q), args...)
}

func (n numbered) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return n.r.QueryRowContext(ctx, sqltext.Numbered(q), args...)
}
