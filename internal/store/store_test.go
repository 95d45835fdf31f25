package store_test

import (
	"testing"

	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Each(t, storetest.Run)
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://alex:s3cret@db.example.org/vibora": "postgres://alex:***@db.example.org/vibora",
		"postgres://alex@db.example.org/vibora":        "postgres://alex@db.example.org/vibora",
		"/var/lib/vibora.db":                           "/var/lib/vibora.db",
	} {
		if got := store.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
