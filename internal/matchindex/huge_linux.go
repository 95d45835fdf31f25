package matchindex

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks the kernel to back a large array with transparent huge
// pages: lookups land on random pages, and 2 MB pages remove most TLB
// misses. It is advice only; errors are ignored.
func adviseHuge[T uint32 | uint64 | byte](s []T) {
	if cap(s) == 0 {
		return
	}
	b := byteView(s[:cap(s)])
	if len(b) < 4<<20 {
		return
	}
	const huge = 2 << 20
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := int((huge - p%huge) % huge)
	hi := lo + (len(b)-lo)/huge*huge
	if hi <= lo {
		return
	}
	syscall.Madvise(b[lo:hi], 14) // MADV_HUGEPAGE
}
