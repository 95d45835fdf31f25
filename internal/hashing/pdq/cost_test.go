package pdq

import (
	"testing"
)

// DecodeCost reads outside data (image headers): it never panics, its
// estimate covers at least the working buffers, and when the image
// decodes, the dimensions it declared are the decoded ones.
func FuzzDecodeCost(f *testing.F) {
	img := photoLike(24, 16, 3)
	f.Add(encodePNG(f, img))
	f.Add(encodeJPEG(f, img, 75))
	f.Add([]byte("GIF89a\xff\xff\xff\xff\x00\x00\x00"))
	f.Add([]byte("II*\x00\x08\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCost(data)
		if err != nil {
			return
		}
		if c.Bytes < workBytes {
			t.Fatalf("cost %+v under the working buffers", c)
		}
		res, err := FromBytes(data, Options{MaxPixels: 1 << 18})
		if err == nil && (res.Width != c.Width || res.Height != c.Height) {
			t.Fatalf("declared %dx%d, decoded %dx%d", c.Width, c.Height, res.Width, res.Height)
		}
	})
}
