#!/usr/bin/env python3
"""FAISS anchor for bench/pdqindex: IndexBinaryMultiHash(256, 16, 16) with
nflip=1 (as Hasher-Matcher-Actioner builds it) on the same BANK and QUERIES
files, one thread, range search at distance <= D. Prints one line in the
same style as bench/pdqindex.

    python3 faiss_anchor.py BANK QUERIES [D]
"""
import resource, sys, time
import numpy as np
import faiss

def read(path):
    with open(path) as f:
        rows = [bytes.fromhex(l.strip()) for l in f if l.strip()]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(-1, 32)

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

def main():
    bank, queries = read(sys.argv[1]), read(sys.argv[2])
    d = int(sys.argv[3]) if len(sys.argv) > 3 else 31
    faiss.omp_set_num_threads(1)
    t0, c0 = time.time(), cpu()
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    index.add(bank)
    build, build_cpu = time.time() - t0, cpu() - c0
    t1, c1 = time.time(), cpu()
    # One call for all queries (no per-query Python overhead); range_search
    # keeps distances < thresh, so thresh = d + 1.
    lims, dist, ids = index.range_search(queries, d + 1)
    counts = lims[1:] - lims[:-1]
    hits, with_hits = int(counts.sum()), int((counts > 0).sum())
    q, qc = time.time() - t1, cpu() - c1
    print("faiss build_ms=%d build_cpu_ms=%d query_ms=%.1f qps=%.1f qps_cpu=%.1f hits=%d queries_with_hits=%d peak_rss_mb=%.0f d=%d" % (
        build * 1000, build_cpu * 1000, q * 1000, len(queries) / q, len(queries) / qc, hits, with_hits,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, d))

main()
