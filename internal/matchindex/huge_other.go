//go:build !linux

package matchindex

func adviseHuge[T uint32 | uint64 | byte](s []T) {}
