package referral

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
)

// ageHeader starts every age-encrypted file.
const ageHeader = "age-encryption.org/v1\n"

// WriteDir writes the bag as the directory parent/<Name>, which must not
// exist yet, and returns its path.
func (p *Package) WriteDir(parent string) (string, error) {
	root := filepath.Join(parent, p.Name)
	if err := os.Mkdir(root, 0o755); err != nil {
		return "", fmt.Errorf("write package: %w", err)
	}
	for _, name := range p.Paths() {
		dst := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", fmt.Errorf("write package: %w", err)
		}
		if err := os.WriteFile(dst, p.Files[name], 0o644); err != nil {
			return "", fmt.Errorf("write package: %w", err)
		}
	}
	return root, nil
}

// WriteTar writes the bag as one tar archive (RFC 8493 §4.2: one
// top-level directory named after the bag): files sorted, every time at,
// owner 0, mode 0644, so the same package gives the same bytes.
func (p *Package) WriteTar(w io.Writer, at time.Time) error {
	tw := tar.NewWriter(w)
	at = at.UTC().Truncate(time.Second)
	dirs := map[string]bool{}
	for _, name := range p.Paths() {
		full := p.Name + "/" + name
		for d := path.Dir(full); d != "."; d = path.Dir(d) {
			if dirs[d] {
				break
			}
			dirs[d] = true
		}
	}
	var entries []string
	for d := range dirs {
		entries = append(entries, d+"/")
	}
	for _, name := range p.Paths() {
		entries = append(entries, p.Name+"/"+name)
	}
	slices.Sort(entries)
	for _, e := range entries {
		h := &tar.Header{Name: e, ModTime: at, Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if strings.HasSuffix(e, "/") {
			h.Mode, h.Typeflag = 0o755, tar.TypeDir
		} else {
			h.Size = int64(len(p.Files[strings.TrimPrefix(e, p.Name+"/")]))
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("write package archive: %w", err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(p.Files[strings.TrimPrefix(e, p.Name+"/")]); err != nil {
				return fmt.Errorf("write package archive: %w", err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("write package archive: %w", err)
	}
	return nil
}

// archiveFail is a Failure of the archive check.
func archiveFail(format string, args ...any) error {
	return Failures{{Check: CheckArchive, Detail: fmt.Sprintf(format, args...)}}
}

// countingReader counts the bytes the tar reader consumed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// ReadTar reads a bag archive written by WriteTar (or any tar with one
// top-level directory): regular files and directories only, clean paths,
// bounded sizes, and the end-of-archive marker present, so a truncated
// archive is refused as such.
func ReadTar(data []byte) (*Package, error) {
	if len(data) > MaxPackage {
		return nil, archiveFail("larger than %d bytes", MaxPackage)
	}
	cr := &countingReader{r: bytes.NewReader(data)}
	tr := tar.NewReader(cr)
	p := &Package{Files: map[string][]byte{}}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, archiveFail("truncated (after %d files)", len(p.Files))
			}
			return nil, archiveFail("%v", err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		if err := checkPath(name); err != nil {
			return nil, archiveFail("entry %q: %v", h.Name, err)
		}
		top, rest, _ := strings.Cut(name, "/")
		if p.Name == "" {
			p.Name = top
		} else if top != p.Name {
			return nil, archiveFail("entry %q is outside the bag directory %s", h.Name, p.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg:
		default:
			return nil, archiveFail("entry %q is not a regular file or directory", h.Name)
		}
		if rest == "" {
			return nil, archiveFail("entry %q is a file at the top level", h.Name)
		}
		if h.Size > MaxFile {
			return nil, archiveFail("entry %q: larger than %d bytes", h.Name, MaxFile)
		}
		if _, dup := p.Files[rest]; dup {
			return nil, archiveFail("entry %q appears twice", h.Name)
		}
		if len(p.Files) >= MaxFiles {
			return nil, archiveFail("more than %d files", MaxFiles)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, archiveFail("truncated in %q", h.Name)
			}
			return nil, archiveFail("entry %q: %v", h.Name, err)
		}
		p.Files[rest] = b
	}
	// tar stops at a header boundary as if the archive ended: require the
	// two zero blocks that end a tar.
	if end := cr.n; end < 1024 || !allZero(data[end-1024:end]) {
		return nil, archiveFail("truncated: no end-of-archive marker (after %d files)", len(p.Files))
	}
	if p.Name == "" {
		return nil, archiveFail("empty archive")
	}
	return p, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// ReadDir reads a bag directory: regular files only (a link is refused),
// bounded sizes.
func ReadDir(dir string) (*Package, error) {
	p := &Package{Name: filepath.Base(filepath.Clean(dir)), Files: map[string][]byte{}}
	var total int64
	err := filepath.WalkDir(dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, file)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > MaxFile || total+info.Size() > MaxPackage || len(p.Files) >= MaxFiles {
			return fmt.Errorf("%s: the package is larger than allowed", rel)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		total += int64(len(b))
		p.Files[rel] = b
		return nil
	})
	if err != nil {
		return nil, archiveFail("read %s: %v", dir, err)
	}
	return p, nil
}

// Encrypt encrypts data (a bag archive) to an age X25519 recipient
// ("age1...").
func Encrypt(w io.Writer, data []byte, recipient string) error {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(recipient))
	if err != nil {
		return fmt.Errorf("age recipient: %w", err)
	}
	ew, err := age.Encrypt(w, r)
	if err != nil {
		return fmt.Errorf("encrypt package: %w", err)
	}
	if _, err := ew.Write(data); err != nil {
		return fmt.Errorf("encrypt package: %w", err)
	}
	return ew.Close()
}

// IsEncrypted reports whether data is an age file.
func IsEncrypted(data []byte) bool { return bytes.HasPrefix(data, []byte(ageHeader)) }

// Decrypt decrypts an age-encrypted archive with the identities in
// identityFile's text (AGE-SECRET-KEY-1... lines).
func Decrypt(data []byte, identities string) ([]byte, error) {
	ids, err := age.ParseIdentities(strings.NewReader(identities))
	if err != nil {
		return nil, archiveFail("age identities: %v", err)
	}
	r, err := age.Decrypt(bytes.NewReader(data), ids...)
	if err != nil {
		return nil, archiveFail("decrypt: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxPackage+1))
	if err != nil {
		return nil, archiveFail("decrypt: %v", err)
	}
	if len(out) > MaxPackage {
		return nil, archiveFail("larger than %d bytes", MaxPackage)
	}
	return out, nil
}

// Open reads a package from a bag directory, a tar archive or an
// age-encrypted tar archive (decrypted with identities).
func Open(file, identities string) (*Package, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, archiveFail("%v", err)
	}
	if info.IsDir() {
		return ReadDir(file)
	}
	if info.Size() > MaxPackage {
		return nil, archiveFail("%s: larger than %d bytes", file, MaxPackage)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, archiveFail("%v", err)
	}
	if IsEncrypted(data) {
		if identities == "" {
			return nil, archiveFail("%s is encrypted: give the recipient's age identity", file)
		}
		if data, err = Decrypt(data, identities); err != nil {
			return nil, err
		}
	}
	return ReadTar(data)
}
