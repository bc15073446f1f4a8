package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// hashPassword is a salted SHA-256 (the emulator is not a password store).
func hashPassword(id, pw string) string {
	sum := sha256.Sum256([]byte(id + ":" + pw))
	return hex.EncodeToString(sum[:])
}

// code6 derives a deterministic six-digit code from an id.
func code6(id string) string {
	sum := sha256.Sum256([]byte("code:" + id))
	n := (uint32(sum[0])<<16 | uint32(sum[1])<<8 | uint32(sum[2])) % 1000000
	return fmt.Sprintf("%06d", n)
}

func token(id string) string {
	sum := sha256.Sum256([]byte("token:" + id))
	return hex.EncodeToString(sum[:12])
}
