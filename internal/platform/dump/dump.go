// Package dump reads the rows out of a seized platform's database export
// without a database server: MySQL/MariaDB dumps (mysqldump text, extended
// INSERTs), PostgreSQL plain dumps (COPY ... FROM stdin blocks) and CSV or
// TSV exports with a header line (one table per file).
//
// Every reader streams: it holds one buffer and the row being read, never
// the dump, so memory stays flat however large the dump is. A reader yields
// rows one at a time; a row it cannot read is returned as an *Error naming
// the file, table, line and column, and the next call carries on with the
// rest. Values are raw bytes as the dump stores them (escapes decoded, hex
// literals decoded); the caller decides how to read them as text.
//
// PostgreSQL custom, directory and tar dumps (pg_dump -Fc/-Fd/-Ft) are not
// read directly: pg_restore writes the plain form without a server,
//
//	pg_restore -f platform.sql platform.dump
//
// and platform.sql is then read here. gzip-compressed files (.gz) are read
// as they are.
package dump

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Format is the kind of export a file holds.
type Format string

const (
	MySQL    Format = "mysql"    // mysqldump, MariaDB and phpMyAdmin SQL text
	Postgres Format = "postgres" // pg_dump plain format (COPY blocks)
	CSV      Format = "csv"      // comma- or semicolon-separated, header line
	TSV      Format = "tsv"      // tab-separated, header line, \N and backslash escapes
)

// Limits bound what one row may cost. The zero value means the defaults.
type Limits struct {
	MaxValue int // bytes of one value (default 16 MiB)
	MaxRow   int // bytes of one row, all values (default 64 MiB)
}

func (l Limits) withDefaults() Limits {
	if l.MaxValue <= 0 {
		l.MaxValue = 16 << 20
	}
	if l.MaxRow <= 0 {
		l.MaxRow = 64 << 20
	}
	return l
}

// Value is one cell: its bytes, or NULL.
type Value struct {
	B    []byte
	Null bool
}

// Row is one row of a table. Columns is shared by the rows of a table and
// must not be changed; Values (and their bytes) are valid until the next
// call to Next.
type Row struct {
	Table   string
	Columns []string
	Values  []Value
	Line    int64 // line of the file where the row starts (1-based)
	Offset  int64 // byte offset of the row in the (decompressed) file
}

// Get returns the value of the named column and whether the row has it.
func (r *Row) Get(column string) (Value, bool) {
	for i, c := range r.Columns {
		if c == column && i < len(r.Values) {
			return r.Values[i], true
		}
	}
	return Value{}, false
}

// Reader yields the rows of one file. Next returns io.EOF at the end; any
// other error is an *Error about one row or statement, after which Next
// may be called again for the rest.
type Reader interface {
	Next() (Row, error)
	Format() Format
}

// Error is a row or statement that could not be read. Fatal errors (the
// file ends inside a row, a read fails) end the file: the next call to
// Next returns io.EOF.
type Error struct {
	File   string
	Table  string
	Line   int64
	Column string
	Offset int64
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	fmt.Fprintf(&b, " line %d", e.Line)
	if e.Table != "" {
		fmt.Fprintf(&b, " table %q", e.Table)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, " column %q", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors, wrapped in *Error.
var (
	ErrTruncated    = errors.New("truncated: the file ends inside a statement or row")
	ErrColumnCount  = errors.New("wrong number of values")
	ErrTooLarge     = errors.New("value or row over the size limit")
	ErrSyntax       = errors.New("syntax error")
	ErrNotSupported = errors.New("format not supported")
)

// Open detects the format of the file named name (the name is used in
// errors and, for CSV and TSV, as the table name) and returns its reader.
// A gzip stream is decompressed on the fly. format may be "" to detect.
func Open(name string, r io.Reader, format Format, lim Limits) (Reader, error) {
	lim = lim.withDefaults()
	sc := newScanner(r)
	if head := sc.peekN(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(sc.rest())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		sc = newScanner(zr)
		name0 := strings.TrimSuffix(name, ".gz")
		return open(name, name0, sc, format, lim)
	}
	return open(name, name, sc, format, lim)
}

func open(name, plain string, sc *scanner, format Format, lim Limits) (Reader, error) {
	if format == "" {
		var err error
		if format, err = detect(plain, sc.peekN(64<<10)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	table := tableFromFile(plain)
	switch format {
	case MySQL:
		return &mysqlReader{sc: sc, file: name, lim: lim, tables: map[string][]string{}}, nil
	case Postgres:
		return &pgReader{textLines: textLines{sc: sc, file: name, lim: lim}}, nil
	case CSV:
		return newCSVReader(name, table, sc, lim), nil
	case TSV:
		return &tsvReader{textLines: textLines{sc: sc, file: name, lim: lim}, table: table}, nil
	}
	return nil, fmt.Errorf("%s: format %q: %w", name, format, ErrNotSupported)
}

// tableFromFile is the table a CSV or TSV export holds: its base name
// without extensions ("users.csv" -> "users").
func tableFromFile(name string) string {
	base := filepath.Base(name)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return base
}

// detect tells the format from the file's name and first bytes.
func detect(name string, head []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(head, []byte("PGDMP")):
		return "", fmt.Errorf("a pg_dump custom-format archive: convert it with `pg_restore -f plain.sql FILE` (no server needed) and import plain.sql: %w", ErrNotSupported)
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return "", fmt.Errorf("an SQLite database file, not a dump: %w", ErrNotSupported)
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".csv"):
		return CSV, nil
	case strings.HasSuffix(lower, ".tsv"), strings.HasSuffix(lower, ".tab"):
		return TSV, nil
	}
	switch {
	case bytes.Contains(head, []byte("PostgreSQL database dump")), bytes.Contains(head, []byte(") FROM stdin;")):
		return Postgres, nil
	case bytes.Contains(head, []byte("MySQL dump")), bytes.Contains(head, []byte("MariaDB dump")),
		bytes.Contains(head, []byte("phpMyAdmin SQL Dump")), bytes.Contains(head, []byte("INSERT INTO")),
		bytes.Contains(head, []byte("CREATE TABLE")):
		return MySQL, nil
	case strings.HasSuffix(lower, ".txt"):
		return TSV, nil
	}
	return "", fmt.Errorf("not a MySQL or PostgreSQL dump, and not named .csv or .tsv: %w", ErrNotSupported)
}
