// Package detect recognises a chat export from its content and hands it
// to the right parser: Telegram Desktop result.json (single chat or full
// account), WhatsApp .txt or iOS .zip, or DiscordChatExporter JSON. It
// accepts a file or an export folder.
package detect

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/vibora-project/vibora/internal/chatexport"
	"github.com/vibora-project/vibora/internal/chatexport/discord"
	"github.com/vibora-project/vibora/internal/chatexport/telegram"
	"github.com/vibora-project/vibora/internal/chatexport/whatsapp"
)

// Kind is a detected input kind.
type Kind string

// Kinds.
const (
	Unknown     Kind = ""
	Telegram    Kind = "telegram"
	WhatsAppTxt Kind = "whatsapp"
	WhatsAppZip Kind = "whatsapp-zip"
	Discord     Kind = "discord"
)

const sniffSize = 64 << 10

// Sniff classifies one file by its first bytes.
func Sniff(head []byte) Kind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return WhatsAppZip // confirmed by DetectFile, which looks inside
	case discord.Sniff(head):
		return Discord
	case telegram.Sniff(head):
		return Telegram
	case whatsapp.Sniff(head):
		return WhatsAppTxt
	}
	return Unknown
}

// DetectFile classifies the file at name in fsys from its content.
func DetectFile(fsys fs.FS, name string) (Kind, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return Unknown, err
	}
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Unknown, err
	}
	k := Sniff(head[:n])
	if k == WhatsAppZip {
		zf, err := fsys.Open(name)
		if err != nil {
			return Unknown, err
		}
		defer zf.Close()
		ra, ok := zf.(io.ReaderAt)
		fi, serr := zf.Stat()
		if !ok || serr != nil {
			return WhatsAppZip, nil // let ParseZip try
		}
		zr, err := zip.NewReader(ra, fi.Size())
		if err != nil {
			return Unknown, nil
		}
		if _, err := whatsapp.FindChatInZip(zr); err != nil {
			return Unknown, nil
		}
	}
	return k, nil
}

// Parse parses the export at name in fsys: a file of any supported kind,
// or a folder. A folder holding result.json is a Telegram export; any
// other folder has each recognised top-level file parsed in name order.
// Errors of one file in a folder are reported as warnings; the first is
// also returned once all files are done.
func Parse(ctx context.Context, fsys fs.FS, name string, h chatexport.Handler) (chatexport.Stats, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return chatexport.Stats{}, fmt.Errorf("chat export %s: %w", name, err)
	}
	if !fi.IsDir() {
		return parseFile(ctx, fsys, name, h)
	}
	if rj := path.Join(name, "result.json"); chatexport.Exists(fsys, rj) {
		if k, _ := DetectFile(fsys, rj); k == Telegram {
			return telegram.Parse(ctx, fsys, rj, h)
		}
	}
	files, err := folderFiles(fsys, name)
	if err != nil {
		return chatexport.Stats{}, fmt.Errorf("chat export %s: %w", name, err)
	}
	var total chatexport.Stats
	var first error
	found := false
	for _, p := range files {
		k, err := DetectFile(fsys, p)
		if err != nil || k == Unknown {
			continue
		}
		found = true
		st, err := parseKind(ctx, fsys, p, k, h)
		total.Add(st)
		if err != nil {
			if ctx.Err() != nil {
				return total, err
			}
			// the file stopped part-way (or never started): what it
			// delivered is kept, and the import is not complete
			total.Skipped++
			total.Warn(chatexport.Warning{File: p, Reason: err.Error()})
			if first == nil {
				first = err
			}
		}
	}
	if !found {
		return total, fmt.Errorf("chat export %s: %w", name, chatexport.ErrUnknownFormat)
	}
	return total, first
}

// maxThreadDepth bounds how deep thread folders are followed.
const maxThreadDepth = 4

// folderFiles lists the candidate export files of a folder in name order:
// its top-level .txt, .json and .zip files, then those of any "threads" or
// "_threads" sub-folder and its sub-folders. DiscordChatExporter-frontend's
// thread helper exports a channel's threads to "threads" next to the
// channel exports (docs/Exporting-threads.md: --output "exports/threads");
// "_threads" is kept for exports arranged that way by hand.
func folderFiles(fsys fs.FS, dir string) ([]string, error) {
	var out []string
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return err
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		var threads []string
		for _, e := range entries {
			p := path.Join(dir, e.Name())
			if e.IsDir() {
				// inside a threads tree every sub-folder is followed
				if (depth > 0 || threadFolder(e.Name())) && depth < maxThreadDepth {
					threads = append(threads, p)
				}
				continue
			}
			if !e.Type().IsRegular() {
				continue
			}
			switch strings.ToLower(path.Ext(e.Name())) {
			case ".txt", ".json", ".zip":
				out = append(out, p)
			}
		}
		for _, t := range threads {
			if err := walk(t, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(dir, 0)
}

// threadFolder reports whether a sub-folder holds thread exports.
func threadFolder(name string) bool {
	return strings.EqualFold(name, "threads") || strings.EqualFold(name, "_threads")
}

func parseFile(ctx context.Context, fsys fs.FS, name string, h chatexport.Handler) (chatexport.Stats, error) {
	k, err := DetectFile(fsys, name)
	if err != nil {
		return chatexport.Stats{}, fmt.Errorf("chat export %s: %w", name, err)
	}
	if k == Unknown {
		return chatexport.Stats{}, fmt.Errorf("chat export %s: %w", name, chatexport.ErrUnknownFormat)
	}
	return parseKind(ctx, fsys, name, k, h)
}

func parseKind(ctx context.Context, fsys fs.FS, name string, k Kind, h chatexport.Handler) (chatexport.Stats, error) {
	switch k {
	case Telegram:
		return telegram.Parse(ctx, fsys, name, h)
	case Discord:
		return discord.Parse(ctx, fsys, name, h)
	case WhatsAppTxt:
		return whatsapp.Parse(ctx, fsys, name, h)
	case WhatsAppZip:
		return whatsapp.ParseZip(ctx, fsys, name, h, whatsapp.Options{})
	}
	return chatexport.Stats{}, errors.New("unreachable")
}
