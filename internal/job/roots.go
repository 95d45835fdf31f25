package job

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
)

// ErrOutsideRoot marks an evidence path that names something outside the
// configured evidence roots: absolute, climbing out with "..", or reaching
// out through a symlink.
var ErrOutsideRoot = errors.New("outside the evidence roots")

// Roots are the directories a server may read evidence from. A job names
// evidence by a path relative to the root; with several roots, the path
// starts with the root's folder name ("sd1/DCIM").
type Roots struct {
	list []evidenceRoot
}

type evidenceRoot struct {
	name string   // the folder's name, the first segment of paths when there are several roots
	dir  string   // absolute, symlinks resolved
	fs   *os.Root // every check goes through it: nothing outside dir resolves
}

// OpenRoots opens the evidence roots. Two roots may not share a folder
// name, since paths name them by it.
func OpenRoots(dirs []string) (*Roots, error) {
	rs := &Roots{}
	seen := map[string]string{}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, fmt.Errorf("evidence root %s: %w", d, err)
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("evidence root %s: %w", d, err)
		}
		r, err := os.OpenRoot(real)
		if err != nil {
			return nil, fmt.Errorf("evidence root %s: %w", d, err)
		}
		name := filepath.Base(real)
		if other, ok := seen[name]; ok {
			r.Close()
			rs.Close()
			return nil, fmt.Errorf("evidence roots %s and %s have the same folder name %q: paths could not tell them apart", other, d, name)
		}
		seen[name] = d
		rs.list = append(rs.list, evidenceRoot{name: name, dir: real, fs: r})
	}
	return rs, nil
}

// Close releases the roots.
func (rs *Roots) Close() error {
	for _, r := range rs.list {
		r.fs.Close()
	}
	return nil
}

// Names lists the roots' folder names.
func (rs *Roots) Names() []string {
	out := make([]string, len(rs.list))
	for i, r := range rs.list {
		out[i] = r.name
	}
	return out
}

// Resolve turns a path a job names into the file or directory on disk it
// is, refusing (ErrOutsideRoot, wrapped in investigation.ErrInvalid) an
// absolute path, a path with "..", and a path that reaches outside its
// root through a symlink. The returned path has its symlinks resolved and
// lies inside the root.
func (rs *Roots) Resolve(p string) (string, error) {
	fail := func(why string) (string, error) {
		return "", fmt.Errorf("evidence path %q: %s: %w: %w", p, why, ErrOutsideRoot, investigation.ErrInvalid)
	}
	if len(rs.list) == 0 {
		return "", fmt.Errorf("evidence path %q: the server has no evidence root (vibora serve --evidence-root DIR): %w", p, investigation.ErrInvalid)
	}
	if p == "" || strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("evidence path %q: empty or not a path: %w", p, investigation.ErrInvalid)
	}
	if strings.HasPrefix(p, "/") || filepath.IsAbs(p) {
		return fail("absolute paths are refused; name a path relative to the evidence root")
	}
	for _, seg := range strings.Split(filepath.ToSlash(p), "/") {
		if seg == ".." {
			return fail(`".." is refused`)
		}
	}
	rel := path.Clean(filepath.ToSlash(p))
	if !filepath.IsLocal(filepath.FromSlash(rel)) && rel != "." {
		return fail("not a local path")
	}
	root := rs.list[0]
	if len(rs.list) > 1 {
		first, rest, _ := strings.Cut(rel, "/")
		found := false
		for _, r := range rs.list {
			if r.name == first {
				root, found = r, true
			}
		}
		if !found {
			return "", fmt.Errorf("evidence path %q: it must start with an evidence root's folder name (%s): %w",
				p, strings.Join(rs.Names(), ", "), investigation.ErrInvalid)
		}
		rel = path.Clean(rest)
		if rest == "" {
			rel = "."
		}
	}
	// os.Root refuses a name any of whose components (symlinks too)
	// resolve outside the root.
	if _, err := root.fs.Stat(filepath.FromSlash(rel)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("evidence path %q: no such file or directory under the evidence root: %w", p, investigation.ErrInvalid)
		}
		if strings.Contains(err.Error(), "escapes") {
			return fail("a symlink leads outside the evidence root")
		}
		return "", fmt.Errorf("evidence path %q: %v: %w", p, err, investigation.ErrInvalid)
	}
	real, err := filepath.EvalSymlinks(filepath.Join(root.dir, filepath.FromSlash(rel)))
	if err != nil {
		return "", fmt.Errorf("evidence path %q: %v: %w", p, err, investigation.ErrInvalid)
	}
	if real != root.dir && !strings.HasPrefix(real, root.dir+string(filepath.Separator)) {
		return fail("a symlink leads outside the evidence root")
	}
	return real, nil
}
