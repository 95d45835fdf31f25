package main

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"time"
)

// printLimit measures, in this process and on one thread each, how fast
// MD5 alone and SHA-1 plus SHA-256 together run over an in-memory buffer
// (CPU time of the measuring thread, best of rounds), and prints the
// two-core limit: with MD5 on one core and SHA-1+SHA-256 on the other, the
// three digests of one stream cannot go faster than the slower side.
func printLimit(rounds int) {
	buf := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	const passes = 256 // 256 MiB per measurement
	measure := func(f func()) float64 {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		best := 0.0
		for range rounds {
			c0 := threadCPU()
			for range passes {
				f()
			}
			s := (threadCPU() - c0).Seconds()
			if mbps := float64(passes*len(buf)) / 1e6 / s; mbps > best {
				best = mbps
			}
		}
		return best
	}
	m, s1, s2 := md5.New(), sha1.New(), sha256.New()
	md := measure(func() { m.Write(buf) })
	sha := measure(func() { s1.Write(buf); s2.Write(buf) })
	one := 1 / (1/md + 1/sha)
	fmt.Printf("limit: MD5 %.1f MB/cpu-s, SHA-1+SHA-256 %.1f MB/cpu-s, all three on one core %.1f MB/cpu-s; two-core limit %.1f MB/s\n",
		md, sha, one, min(md, sha, 2*one))
}

// threadCPU is the CPU time of the calling OS thread.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD (Linux)
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
