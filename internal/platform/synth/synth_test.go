package synth

import "testing"

// Mul and Div scale every count, and keep the seed: ten times a tenth of
// the full scale is the full scale, and five times it is five times each
// table.
func TestScaleMulDiv(t *testing.T) {
	if got := Full.Div(10).Mul(10); got != Full {
		t.Errorf("Full.Div(10).Mul(10) = %+v, want %+v", got, Full)
	}
	five := Full.Mul(10).Div(2)
	want := Scale{Users: 5_000_000, Logins: 100_000_000, Uploads: 25_000_000, Views: 10_000_000, Messages: 2_500_000, Payments: 1_500_000, Seed: Full.Seed}
	if five != want {
		t.Errorf("Full.Mul(10).Div(2) = %+v, want %+v", five, want)
	}
	if got := (Scale{Users: 3, Seed: 7}).Div(10); got.Users != 1 || got.Seed != 7 {
		t.Errorf("a tenth of 3 users = %+v, want 1 user and seed 7", got)
	}
}
