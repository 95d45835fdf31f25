// Package deconflict holds the pure parts of deconfliction between hubs:
// identifier tokens and the signed file that carries them.
//
// Two schemes make tokens from identifier keys (identifier.Key, e.g.
// "phone:+12025550143", or "sha256:<hex>" for a media file):
//
//   - SchemeHMAC: HMAC-SHA-256 under an operation key, derived with HKDF
//     (SHA-256) from a master key the trusting hubs share and the operation
//     id (OperationKey). Anyone holding the master key can test guesses
//     offline, so it is for hubs that may see each other's targets anyway.
//   - SchemeOPRF: the output of an RFC 9497 OPRF (ristretto255-SHA512,
//     verifiable mode) whose key a coordinating hub holds per operation. The
//     client blinds each key (Blind), the hub evaluates blinded elements it
//     cannot read (Evaluator), the client unblinds (Finalize). Nobody but the
//     hub can compute a token, and the hub sees only how many it evaluated.
//
// A token file (Write, Read) is versioned and signed with Ed25519: a header
// (scheme, normalisation version, identifier kinds, set size, creator,
// expiry), the sorted tokens, the signature. Match intersects a file's
// tokens with one's own and returns only the overlaps. The package does no
// I/O of its own beyond the io.Reader and io.Writer it is given.
package deconflict
