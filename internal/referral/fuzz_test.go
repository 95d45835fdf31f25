package referral

import (
	"strings"
	"testing"
	"time"
)

func FuzzParseBagInfo(f *testing.F) {
	p, _ := build(f)
	f.Add(p.Files[BagInfoFile])
	f.Add(p.Files[BagItFile])
	f.Add([]byte("A: b\n c\n"))
	f.Add([]byte(" x\n"))
	f.Add([]byte("no colon\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tags, err := ParseBagInfo("bag-info.txt", b)
		if err != nil {
			return
		}
		for _, tag := range tags {
			if tag.Label == "" || strings.ContainsAny(tag.Value, "\n") {
				t.Fatalf("bad tag %+v", tag)
			}
		}
		// What parses, written back, parses to the same tags (values
		// whose spaces writeBagInfo collapses excepted).
		again, err := ParseBagInfo("again", writeBagInfo(tags))
		if err != nil || len(again) != len(tags) {
			if !strings.ContainsAny(string(b), "\r") {
				t.Fatalf("rewritten tags do not parse: %v", err)
			}
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	p, _ := build(f)
	f.Add(p.Files[ManifestFile])
	f.Add(p.Files[TagManifestFile])
	f.Add([]byte(strings.Repeat("a", 64) + "  data/%0Ax\n"))
	f.Add([]byte(strings.Repeat("a", 64) + " ../x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := ParseManifest("manifest", b)
		if err != nil {
			return
		}
		files := map[string][]byte{}
		var paths []string
		for _, e := range entries {
			if err := checkPath(e.Path); err != nil || len(e.SHA256) != 64 {
				t.Fatalf("accepted %+v", e)
			}
			files[e.Path] = nil
			paths = append(paths, e.Path)
		}
		again, err := ParseManifest("again", writeManifest(files, paths))
		if err != nil || len(again) != len(entries) {
			t.Fatalf("written manifest does not parse back: %v", err)
		}
	})
}

func FuzzReadTar(f *testing.F) {
	p, s := build(f)
	data := tarBytes(f, p)
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte{})
	trust := NewTrust(s.Public)
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := ReadTar(b)
		if err != nil {
			return
		}
		_, _ = Verify(q, trust, asOf) // must not panic
	})
}

func FuzzVerifyAck(f *testing.F) {
	p, sender := build(f)
	v, err := Verify(p, NewTrust(sender.Public), asOf)
	if err != nil {
		f.Fatal(err)
	}
	r := testSigner(3, "FR-TEST")
	a, _ := NewAck(v, AckAction, "FR-TEST", "", nil, asOf)
	file, _ := SignAck(a, r)
	f.Add(file)
	f.Add([]byte(`{"payload":"","signer":{},"signature":""}`))
	trust := NewTrust(r.Public)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = VerifyAck(b, trust, asOf.Add(time.Hour))
	})
}

func FuzzParsePublicKey(f *testing.F) {
	f.Add(testSigner(1, "ES-TEST").Public.Marshal())
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePublicKey(b)
		if err != nil {
			return
		}
		if string(k.Marshal()) != string(b) || k.ID != KeyID(k.Key) {
			t.Fatal("accepted a non-canonical key")
		}
	})
}
