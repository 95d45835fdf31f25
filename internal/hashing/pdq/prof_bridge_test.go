package pdq

import (
	"os"
	"testing"
)

func BenchmarkBridge(b *testing.B) {
	data, err := os.ReadFile(refDir + "/images/bridge-1-original.jpg")
	if err != nil {
		b.Skip(err)
	}
	benchHash(b, data, Options{})
}
