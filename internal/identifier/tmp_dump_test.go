package identifier

import (
	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
	"testing"
)

func TestTmpDump(t *testing.T) {
	b := identifiertest.Sparse(20000, 1)
	Extract(b, ExtractOptions{DefaultRegion: "US"})
}
