package cli

import (
	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

// Numeric options are checked here, once for every command: a value out
// of range is a usage error with a hint, never silently replaced by a
// default or clamped.

// maxDistanceOption checks --max-distance (0..31) and returns it in the
// form investigation's options take: 0 there means "the default", so
// "identical hashes only" is passed as -1.
func maxDistanceOption(n int) (int, error) {
	if n < 0 || n > 31 {
		return 0, withHint(usagef("--max-distance %d is out of range", n),
			"a PDQ distance is 0 (identical) to 31 (the most distant that still means near-duplicate); 256 bits differ at most, but past 31 matches are noise")
	}
	if n == 0 {
		return -1, nil
	}
	return n, nil
}

// minQualityOption checks --min-quality (0..100, 0: no gate) and returns it
// in investigation's form (the default when the flag was not given, -1 for
// no gate).
func minQualityOption(cmd *cobra.Command, n int) (int, error) {
	if !cmd.Flags().Changed("min-quality") {
		return investigation.DefaultMinQuality, nil
	}
	if n < 0 || n > 100 {
		return 0, withHint(usagef("--min-quality %d is out of range", n), "PDQ quality is 0 to 100; 0 turns the quality gate off")
	}
	if n == 0 {
		return -1, nil
	}
	return n, nil
}

// workersOption checks --workers (0: every core).
func workersOption(n int) error {
	if n < 0 {
		return withHint(usagef("--workers %d is out of range", n), "give 1 or more workers, or 0 for one per core")
	}
	return nil
}

// maxDepthOption checks --max-depth (-1: open no archive; 0: the default).
func maxDepthOption(n int) error {
	if n < -1 {
		return withHint(usagef("--max-depth %d is out of range", n), "-1 opens no archive, 0 takes the default (3), N opens archives nested N deep")
	}
	return nil
}
