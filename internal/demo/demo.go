// Package demo generates Vibora's built-in demonstration data: synthetic
// abstract images (a "known" set with near-duplicates, new material in
// clusters, ignorable files, a zip), the hash banks that classify some of
// them, a group chat whose members post them, infostealer logs that touch
// a demo watchlist, a seller's group where members pay, a seized
// platform's database dump, and a generator machine's outputs and LoRA
// (WriteVideos adds videos where ffmpeg is installed). Everything is
// invented and reproducible from a seed: no real people, no real media,
// no real hashes.
package demo

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"time"
)

// Image is one generated evidence image.
type Image struct {
	Path  string // relative to the evidence root
	Role  string // known, near-known, new, new-cluster, ignorable
	Known int    // index of the known picture it copies or derives from (-1: none)
	Data  []byte
}

// Layout is what Generate wrote.
type Layout struct {
	Root        string  // the demo directory
	Evidence    string  // evidence root of exhibit PHONE-01
	Images      []Image // every generated evidence image
	KnownImages []Image // the pictures whose hashes go into the known bank
	Ignorable   []Image // files whose hashes go into the ignorable bank
	Chat        string  // Telegram export folder
	Stealer     string  // folder of victim logs
	Watchlist   string  // watchlist file
	Banks       []BankFile
	// MarketChat is a second Telegram export (a seller's group) in which
	// members pay: an IBAN abroad, a Cash App tag, a Bitcoin address.
	MarketChat string
	// PlatformDump and PlatformMapping are a seized platform's MySQL dump
	// and the mapping file that reads it.
	PlatformDump, PlatformMapping string
	// AIEvidence is the evidence root of exhibit PC-02, a generator
	// machine: generated PNGs, a LoRA, a stripped copy.
	AIEvidence string
}

// BankFile is a generated hash list to import.
type BankFile struct {
	Name, Kind, Path, Format string
}

// Epoch is the fixed time of the demo scenario.
var Epoch = time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)

func encodeJPEG(img image.Image, q int) []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
	return b.Bytes()
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// images builds the evidence images.
func images() (evidence, known []Image) {
	const nKnown = 6
	for i := 0; i < nKnown; i++ {
		p := Picture{Seed: uint64(100 + i), Width: 640, Height: 480}
		data := encodeJPEG(p.Render(), 90)
		known = append(known, Image{Path: fmt.Sprintf("known/%02d.jpg", i), Role: "known", Known: i, Data: data})
	}
	// Exact copies of known pictures under camera-like names.
	for i := 0; i < 3; i++ {
		evidence = append(evidence, Image{Path: fmt.Sprintf("DCIM/Camera/IMG_%04d.jpg", 101+i), Role: "known", Known: i, Data: known[i].Data})
	}
	// Near-duplicates: re-encoded, resized, brightened, mirrored.
	evidence = append(evidence,
		Image{Path: "DCIM/Camera/IMG_0201.jpg", Role: "near-known", Known: 3, Data: encodeJPEG(Picture{Seed: 103, Width: 640, Height: 480}.Render(), 55)},
		Image{Path: "DCIM/Camera/IMG_0202.jpg", Role: "near-known", Known: 4, Data: encodeJPEG(Picture{Seed: 104, Width: 1280, Height: 960}.Render(), 85)},
		Image{Path: "Pictures/saved/IMG_0203.png", Role: "near-known", Known: 5, Data: encodePNG(Picture{Seed: 105, Width: 640, Height: 480, Brightness: 12}.Render())},
		Image{Path: "Pictures/saved/IMG_0204.jpg", Role: "near-known", Known: 0, Data: encodeJPEG(Picture{Seed: 100, Width: 640, Height: 480, Mirror: true}.Render(), 90)},
	)
	// New material: three clusters of near-copies and some singletons.
	for c := 0; c < 3; c++ {
		for k := 0; k < 3+c; k++ {
			p := Picture{Seed: uint64(500 + c), Width: 800 - 40*k, Height: 600 - 30*k, Brightness: 4 * k}
			evidence = append(evidence, Image{Path: fmt.Sprintf("WhatsApp/Media/IMG-2024030%d-WA%04d.jpg", c+1, k), Role: "new-cluster", Known: -1, Data: encodeJPEG(p.Render(), 80+3*k)})
		}
	}
	for i := 0; i < 4; i++ {
		evidence = append(evidence, Image{Path: fmt.Sprintf("Download/new_%02d.png", i), Role: "new", Known: -1, Data: encodePNG(Picture{Seed: uint64(900 + i), Width: 320, Height: 240}.Render())})
	}
	return evidence, known
}

// ignorable builds files that a known-good bank lists.
func ignorable() []Image {
	var out []Image
	for i := 0; i < 4; i++ {
		data := []byte(fmt.Sprintf("Example OS system resource %d\nversion 1.0.%d\n", i, i))
		out = append(out, Image{Path: fmt.Sprintf("system/res_%02d.dat", i), Role: "ignorable", Known: -1, Data: data})
	}
	out = append(out, Image{Path: "system/wallpaper.png", Role: "ignorable", Known: -1, Data: encodePNG(Picture{Seed: 42, Width: 256, Height: 256}.Render())})
	return out
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// writeEvidence writes the exhibit's files and a backup zip.
func writeEvidence(root string, imgs []Image) error {
	for _, im := range imgs {
		if err := writeFile(filepath.Join(root, im.Path), im.Data); err != nil {
			return err
		}
	}
	// A backup archive holding a known picture and a new one.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, im := range []Image{imgs[1], imgs[len(imgs)-1]} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "backup/" + filepath.Base(im.Path), Method: zip.Store, Modified: Epoch})
		if err != nil {
			return err
		}
		w.Write(im.Data)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return writeFile(filepath.Join(root, "Backups", "backup.zip"), zb.Bytes())
}
