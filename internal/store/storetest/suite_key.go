package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testSigningKeys: signing keys, the trusted-key registry per holder and
// the referrals sent.
func testSigningKeys(t *testing.T, db *store.DB) {
	ctx := context.Background()
	k := store.SigningKey{Agency: "ES-TEST", Name: "referrals", KeyID: "00112233aabbccdd", PublicKey: "cHVi", PrivateKey: "sealed", CreatedAt: "2026-11-30T09:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertSigningKey(ctx, &k) })
	if k.ID == 0 {
		t.Fatal("no id")
	}
	dup := k
	err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertSigningKey(ctx, &dup) })
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second key of the same name: %v", err)
	}
	other := store.SigningKey{Agency: "FR-TEST", Name: "referrals", KeyID: "99887766aabbccdd", PublicKey: "cHVi", PrivateKey: "plain", CreatedAt: "2026-11-30T09:00:00Z", CreatedBy: "sam"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertSigningKey(ctx, &other) })
	got, err := db.SigningKeyByName(ctx, "ES-TEST", "referrals")
	if err != nil || got != k {
		t.Fatalf("SigningKeyByName = %+v, %v; want %+v", got, err, k)
	}
	if _, err := db.SigningKeyByName(ctx, "ES-TEST", "other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	if list, err := db.SigningKeys(ctx); err != nil || len(list) != 2 || list[0].Agency != "ES-TEST" || list[1].Agency != "FR-TEST" {
		t.Fatalf("SigningKeys = %+v, %v", list, err)
	}

	tk := store.TrustedKey{Holder: "FR-TEST", KeyID: k.KeyID, Agency: "ES-TEST", Name: "referrals", PublicKey: "cHVi", AddedAt: "2026-11-30T10:00:00Z", AddedBy: "sam"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.PutTrustedKey(ctx, &tk) })
	tk.NotAfter = "2027-11-30T00:00:00Z"
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.PutTrustedKey(ctx, &tk) })
	trusted, err := db.TrustedKeys(ctx, "FR-TEST")
	if err != nil || len(trusted) != 1 || trusted[0].NotAfter != tk.NotAfter || trusted[0].Agency != "ES-TEST" {
		t.Fatalf("TrustedKeys = %+v, %v", trusted, err)
	}
	if none, err := db.TrustedKeys(ctx, "ES-TEST"); err != nil || len(none) != 0 {
		t.Fatalf("another holder's registry: %+v, %v", none, err)
	}

	r := store.ReferralSent{ReferralID: "VIB-OP-FR-20261130", Operation: "op", Country: "FR", TagManifestSHA256: "ab", KeyID: k.KeyID, Suspects: "[]", CreatedAt: "2026-11-30T09:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertReferralSent(ctx, &r) })
	again := r
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReferralSent(ctx, &again) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("same package twice: %v", err)
	}
	if got, err := db.ReferralSentByTagManifest(ctx, "ab"); err != nil || got != r {
		t.Fatalf("ReferralSentByTagManifest = %+v, %v", got, err)
	}
	if _, err := db.ReferralSentByTagManifest(ctx, "cd"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown package: %v", err)
	}
	if list, err := db.ReferralsSent(ctx); err != nil || len(list) != 1 {
		t.Fatalf("ReferralsSent = %+v, %v", list, err)
	}
}
