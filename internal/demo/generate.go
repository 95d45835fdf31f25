package demo

import (
	"fmt"
	"os"
	"path/filepath"
)

// Generate writes the demo data under dir (which must be empty or absent).
func Generate(dir string) (*Layout, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("demo directory %s is not empty", dir)
	}
	l := &Layout{Root: dir, Evidence: filepath.Join(dir, "evidence", "PHONE-01")}
	ev, known := images()
	l.KnownImages = known
	l.Ignorable = ignorable()
	l.Images = ev
	if err := writeEvidence(l.Evidence, append(append([]Image{}, ev...), l.Ignorable...)); err != nil {
		return nil, fmt.Errorf("write demo evidence: %w", err)
	}
	if err := writeBanks(l); err != nil {
		return nil, err
	}
	if err := writeChat(l); err != nil {
		return nil, fmt.Errorf("write demo chat: %w", err)
	}
	if err := writeStealerLogs(l); err != nil {
		return nil, fmt.Errorf("write demo stealer logs: %w", err)
	}
	if err := writeMarketChat(l); err != nil {
		return nil, fmt.Errorf("write demo market chat: %w", err)
	}
	if err := writePlatform(l); err != nil {
		return nil, fmt.Errorf("write demo platform dump: %w", err)
	}
	if err := writeAI(l); err != nil {
		return nil, fmt.Errorf("write demo generator machine: %w", err)
	}
	return l, nil
}
