package webtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
)

// Operations SeedOperation makes: OperationNL is led by NL-TEST with
// DE-TEST as partner and holds cases alpha and beta; OperationDE is led
// by DE-TEST alone.
const (
	OperationNL = "Op Vibora Test"
	OperationDE = "Op Beta Only"
)

// OperationWhy is the reason recorded for the arrest of alpha's first
// suspect: it carries a payload the operation page must show as text.
var OperationWhy = "arrest reported by the recipient " + Payloads[0]

// SeedOperation imports a small chat into cases alpha and beta and
// builds OperationNL over them: in alpha one suspect referred to ES,
// acknowledged and arrested (3 devices seized), one referred to AR and
// waiting; in beta one suspect attributed to DE. It returns the suspects
// (CASE/PERSON) in that order. OperationDE holds no case.
func (h *Hub) SeedOperation(t testing.TB) []string {
	t.Helper()
	ctx := h.Seed
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var refs []string
	for i, c := range []string{CaseNL, CaseDE} {
		p := filepath.Join(t.TempDir(), "WhatsApp Chat with Operation "+c+".txt")
		chat := fmt.Sprintf("2/1/24, 9:00 AM - Alex Example created group \"Operation %s\"\n"+
			"2/1/24, 9:01 AM - +1 202-555-01%d1: first synthetic message\n"+
			"2/1/24, 9:02 AM - +1 202-555-01%d2: second synthetic message\n", c, 4+i, 4+i)
		check(os.WriteFile(p, []byte(chat), 0o600))
		_, err := h.Service.ImportChat(ctx, c, p, investigation.ChatImportOptions{})
		check(err)
		people, err := h.Service.People(ctx, c)
		check(err)
		n := 0
		for _, x := range people {
			if len(x.Identifiers) > 0 && n < 2-i {
				refs = append(refs, investigation.SuspectKey(c, x.ID))
				n++
			}
		}
		if n != 2-i {
			t.Fatalf("seed operation: %d people with identifiers in %s", n, c)
		}
	}
	_, err := h.Service.CreateOperation(ctx, OperationNL, "NL-TEST", "desk-nl@example.org")
	check(err)
	_, err = h.Service.AddOperationPartner(ctx, OperationNL, "DE-TEST", investigation.OperationPartner, "desk-de@example.org")
	check(err)
	for _, c := range []string{CaseNL, CaseDE} {
		_, err = h.Service.AddOperationCase(ctx, OperationNL, c)
		check(err)
	}
	_, err = h.Service.CreateOperation(ctx, OperationDE, "DE-TEST", "")
	check(err)
	move := func(ref string, changes ...operation.Change) {
		t.Helper()
		for _, c := range changes {
			_, err := h.Service.SetSuspectStatus(ctx, OperationNL, ref, investigation.StatusRequest{Change: c})
			check(err)
		}
	}
	referred := func(country, day, pkg string) []operation.Change {
		return []operation.Change{
			{Status: operation.Identified, Why: "phone number in the group", Date: "2025-03-03"},
			{Status: operation.Attributed, Why: "country calling code", Country: country, Date: "2025-03-04"},
			{Status: operation.Deconflicted, Why: "no other agency holds the number", Date: "2025-03-05"},
			{Status: operation.ReferralPrepared, Why: "package built", Package: pkg, Date: "2025-03-06"},
			{Status: operation.Referred, Why: "sent", Channel: "SIENA", Package: pkg, Date: day},
		}
	}
	move(refs[0], append(referred("ES", "2025-03-10", "VIB-ES-1"),
		operation.Change{Status: operation.Acknowledged, Why: "acknowledged", Package: "VIB-ES-1", Date: "2025-03-12"},
		operation.Change{Status: operation.Arrested, Why: OperationWhy, Evidence: "report ES-0001", Date: "2025-04-02"})...)
	move(refs[1], referred("AR", "2025-03-11", "VIB-AR-1")...)
	move(refs[2], operation.Change{Status: operation.Identified, Why: "phone number in the group", Date: "2025-03-03"},
		operation.Change{Status: operation.Attributed, Why: "country calling code", Country: "DE", Date: "2025-03-04"})
	_, err = h.Service.RecordTally(ctx, OperationNL, refs[0], 3, 0, "2025-04-02", "")
	check(err)
	return refs
}
