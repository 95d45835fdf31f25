package job

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// UploadFile is one uploaded file: the name the client gave it (only its
// base name is kept) and its content.
type UploadFile struct {
	Name string
	Body io.Reader
}

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

// save writes the files into the spool and returns the upload's directory
// name and the files' names in it.
func (s *spool) save(files []UploadFile) (string, []string, error) {
	if len(files) == 0 {
		return "", nil, fmt.Errorf("no file uploaded: %w", investigation.ErrInvalid)
	}
	tmp, err := os.MkdirTemp(s.dir, ".incoming-")
	if err != nil {
		return "", nil, fmt.Errorf("spool: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(tmp)
		}
	}()
	h := sha256.New()
	var total int64
	var names []string
	for _, f := range files {
		name, err := uploadName(f.Name)
		if err != nil {
			return "", nil, err
		}
		for _, n := range names {
			if n == name {
				return "", nil, fmt.Errorf("upload file name %q given twice: %w", name, investigation.ErrInvalid)
			}
		}
		out, err := os.OpenFile(filepath.Join(tmp, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return "", nil, fmt.Errorf("spool: %w", err)
		}
		var lenName [8]byte
		binary.BigEndian.PutUint64(lenName[:], uint64(len(name)))
		h.Write(lenName[:])
		h.Write([]byte(name))
		fh := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, fh), io.LimitReader(f.Body, s.max-total+1))
		total += n
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", nil, fmt.Errorf("upload %s: %w", name, err)
		}
		if total > s.max {
			return "", nil, fmt.Errorf("uploaded files over %d bytes: %w", s.max, ErrTooLarge)
		}
		h.Write(fh.Sum(nil))
		names = append(names, name)
	}
	dir := hex.EncodeToString(h.Sum(nil))[:32]
	if err := os.Rename(tmp, filepath.Join(s.dir, dir)); err != nil {
		// The same files are spooled already (for another job): use them.
		if _, serr := os.Stat(filepath.Join(s.dir, dir)); serr != nil {
			return "", nil, fmt.Errorf("spool: %w", err)
		}
	} else {
		keep = true
	}
	return dir, names, nil
}

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
