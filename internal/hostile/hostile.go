// Package hostile builds, at test time, the hostile inputs Vibora must
// survive: small files that declare large things. Images whose headers
// declare billions of pixels, archives that nest copies of copies until
// they expand to terabytes, SQLite "hash databases" whose views never end
// or hide a write-ahead log, and FIFOs that never get a writer.
//
// Nothing here is read from the network or from a stored corpus: each
// case is generated from a few parameters, so a test shows exactly what
// it feeds in. The content is synthetic (zeros, counters, pseudo-random
// bytes from a fixed seed); no case decodes to a real picture.
package hostile
