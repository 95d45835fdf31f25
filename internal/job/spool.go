package job

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/investigation"
)

// ErrTooLarge marks an upload over the spool's size cap.
var ErrTooLarge = errors.New("upload too large")

// DefaultMaxUpload caps the bytes of one job's uploaded files.
const DefaultMaxUpload = 4 << 30

// spool keeps uploaded files until the job that reads them ends. A job's
// files live in one directory named by the digest of their names and
// contents, so the same upload twice is the same path (and a chat export
// imported twice is recognised as the same evidence).
type spool struct {
	dir string
	max int64
}

func newSpool(dir string, max int64) (*spool, error) {
	if max <= 0 {
		max = DefaultMaxUpload
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool directory: %w", err)
	}
	return &spool{dir: dir, max: max}, nil
}

// uploadName checks a client's file name: a base name only, printable,
// not "." or "..".
func uploadName(name string) (string, error) {
	base := filepath.Base(filepath.FromSlash(strings.ReplaceAll(name, `\`, "/")))
	if base == "." || base == ".." || base == "/" || base == "" || len(base) > 200 || !utf8.ValidString(base) ||
		strings.IndexFunc(base, func(r rune) bool { return unicode.IsControl(r) }) >= 0 || strings.HasPrefix(base, ".incoming") {
		return "", fmt.Errorf("upload file name %q: want a plain file name: %w", name, investigation.ErrInvalid)
	}
	return base, nil
}

// incoming is an upload being received: its files go into a directory of
// their own, hashed as they arrive; commit names it by the digest.
type incoming struct {
	s     *spool
	tmp   string
	h     hash.Hash
	total int64
	names []string
}

func (s *spool) begin() (*incoming, error) {
	tmp, err := os.MkdirTemp(s.dir, ".incoming-")
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &incoming{s: s, tmp: tmp, h: sha256.New()}, nil
}

// add receives one file, named by the client, and returns the name it is
// kept under (its base name).
func (in *incoming) add(name string, r io.Reader) (string, error) {
	name, err := uploadName(name)
	if err != nil {
		return "", err
	}
	if slices.Contains(in.names, name) {
		return "", fmt.Errorf("upload file name %q given twice: %w", name, investigation.ErrInvalid)
	}
	out, err := os.OpenFile(filepath.Join(in.tmp, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("spool: %w", err)
	}
	var lenName [8]byte
	binary.BigEndian.PutUint64(lenName[:], uint64(len(name)))
	in.h.Write(lenName[:])
	in.h.Write([]byte(name))
	fh := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, fh), io.LimitReader(r, in.s.max-in.total+1))
	in.total += n
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", name, err)
	}
	if in.total > in.s.max {
		return "", fmt.Errorf("uploaded files over %d bytes: %w", in.s.max, ErrTooLarge)
	}
	in.h.Write(fh.Sum(nil))
	in.names = append(in.names, name)
	return name, nil
}

// commit moves the received files to the directory named by their digest
// and returns its name. The same files spooled already (for another job)
// are used as they are.
func (in *incoming) commit() (string, error) {
	if len(in.names) == 0 {
		in.abort()
		return "", fmt.Errorf("no file uploaded: %w", investigation.ErrInvalid)
	}
	dir := hex.EncodeToString(in.h.Sum(nil))[:32]
	if err := os.Rename(in.tmp, filepath.Join(in.s.dir, dir)); err != nil {
		in.abort()
		if _, serr := os.Stat(filepath.Join(in.s.dir, dir)); serr != nil {
			return "", fmt.Errorf("spool: %w", err)
		}
	}
	return dir, nil
}

// abort removes what was received.
func (in *incoming) abort() { os.RemoveAll(in.tmp) }

// path is a spooled file's path.
func (s *spool) path(upload, name string) (string, error) {
	if upload == "" || filepath.Base(upload) != upload || strings.HasPrefix(upload, ".") {
		return "", fmt.Errorf("upload %q: not a spool directory", upload)
	}
	if _, err := uploadName(name); err != nil {
		return "", err
	}
	return filepath.Join(s.dir, upload, name), nil
}

// remove deletes an upload.
func (s *spool) remove(upload string) error {
	if upload == "" || filepath.Base(upload) != upload || strings.HasPrefix(upload, ".") {
		return nil
	}
	return os.RemoveAll(filepath.Join(s.dir, upload))
}

// sweep removes what a process that died left behind: uploads no
// unfinished job uses, and incoming directories, once they are a day old
// (younger ones may belong to a job being submitted now).
func (s *spool) sweep(inUse map[string]bool) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || inUse[e.Name()] || time.Since(info.ModTime()) < 24*time.Hour {
			continue
		}
		os.RemoveAll(filepath.Join(s.dir, e.Name()))
	}
}

// retain keeps a spooled file that becomes evidence under the received
// directory (UPLOAD/NAME, where UPLOAD is the upload's digest) and returns
// its path there: a hard link where the disk allows, else a copy, made
// read-only. The same upload retained before is used as it is. The spool's
// copy goes when the job ends; this one stays for verify.
func (m *Manager) retain(upload, name string) (string, error) {
	src, err := m.spool.path(upload, name)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(m.cfg.ReceivedDir, upload)
	dst := filepath.Join(dir, name)
	if fi, err := os.Lstat(dst); err == nil && fi.Mode().IsRegular() {
		return dst, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("keep upload %s: %w", name, err)
	}
	if err := os.Link(src, dst); err != nil {
		if err := copyFile(src, dir, dst); err != nil {
			return "", fmt.Errorf("keep upload %s: %w", name, err)
		}
	}
	if err := os.Chmod(dst, 0o444); err != nil {
		return "", fmt.Errorf("keep upload %s: %w", name, err)
	}
	return dst, nil
}

// copyFile copies src to dst through a temporary file in dir, so that dst
// is either absent or complete.
func copyFile(src, dir, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
