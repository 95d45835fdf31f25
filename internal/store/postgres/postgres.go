// Package postgres is the PostgreSQL dialect of the store, for a hub that
// several agencies share: the pgx driver through database/sql and its
// numbered migrations.
package postgres

import (
	"embed"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Migrations holds the numbered schema migrations, migrations/NNNN_name.sql.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Driver is the database/sql driver name.
const Driver = "pgx"
