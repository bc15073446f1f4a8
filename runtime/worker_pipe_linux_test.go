package runtime

import (
	"bytes"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

// pipePair is a pipe with a rawPipe on each end.
func pipePair(t *testing.T) (r, w *rawPipe) {
	t.Helper()
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	r, err := newRawPipe(fds[0], "r", hostSleepSlice)
	if err != nil {
		t.Fatal(err)
	}
	w, err = newRawPipe(fds[1], "w", hostSleepSlice)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

func TestRawPipeCarriesLargeWrites(t *testing.T) {
	pr, pw := pipePair(t)
	w := pw
	// Larger than a pipe's buffer, so the writer parks while it is full.
	want := bytes.Repeat([]byte("kosmo-lua "), 200_000)
	go func() {
		_, _ = pw.Write(want)
		w.Close()
	}()
	got, err := io.ReadAll(pr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, want the %d written", len(got), len(want))
	}
}

func TestRawPipePollsThenParks(t *testing.T) {
	for _, pause := range []time.Duration{0, 2 * time.Millisecond, 50 * time.Millisecond} {
		t.Run(pause.String(), func(t *testing.T) {
			pr, pw := pipePair(t)
			for i := range 5 {
				go func() {
					time.Sleep(pause)
					_, _ = pw.Write([]byte{byte(i)})
				}()
				var b [1]byte
				if n, err := pr.Read(b[:]); n != 1 || err != nil || b[0] != byte(i) {
					t.Fatalf("read %d: n=%d, byte %d, err %v", i, n, b[0], err)
				}
			}
		})
	}
}

func TestRawPipeReadDeadline(t *testing.T) {
	pr, _ := pipePair(t)
	r := pr
	// A deadline set before the read, and one set while the read waits (as
	// the host does to cut short a canceled run).
	_ = r.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	start := time.Now()
	if _, err := pr.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past its deadline: %v, want os.ErrDeadlineExceeded", err)
	}
	_ = r.SetReadDeadline(time.Time{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		_ = r.SetReadDeadline(time.Now())
	}()
	if _, err := pr.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read whose deadline came while it waited: %v, want os.ErrDeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the deadlines took %v to end the reads", d)
	}
}

func TestRawPipeEndsAndErrors(t *testing.T) {
	t.Run("EOF when the writer closes", func(t *testing.T) {
		pr, w := pipePair(t)
		go func() {
			time.Sleep(10 * time.Millisecond)
			w.Close()
		}()
		if n, err := pr.Read(make([]byte, 8)); n != 0 || err != io.EOF {
			t.Fatalf("read of a closed pipe: n=%d, err %v; want io.EOF", n, err)
		}
	})
	t.Run("closed while reading", func(t *testing.T) {
		pr, _ := pipePair(t)
		r := pr
		go func() {
			time.Sleep(10 * time.Millisecond)
			r.Close()
		}()
		if _, err := pr.Read(make([]byte, 8)); !errors.Is(err, os.ErrClosed) {
			t.Fatalf("read of a file closed meanwhile: %v, want os.ErrClosed", err)
		}
	})
	t.Run("write with no reader", func(t *testing.T) {
		r, pw := pipePair(t)
		r.Close()
		// SIGPIPE is ignored for this descriptor; the write fails instead.
		if _, err := pw.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
			t.Fatalf("write to a pipe without a reader: %v, want EPIPE", err)
		}
	})
	t.Run("closed while a write waits for room", func(t *testing.T) {
		_, w := pipePair(t)
		go func() {
			time.Sleep(10 * time.Millisecond)
			w.Close()
		}()
		// Nobody reads, so the write fills the pipe and waits.
		if _, err := w.Write(make([]byte, 1<<20)); !errors.Is(err, os.ErrClosed) {
			t.Fatalf("write to a full pipe closed meanwhile: %v, want os.ErrClosed", err)
		}
	})
	t.Run("zero-length read", func(t *testing.T) {
		pr, _ := pipePair(t)
		if n, err := pr.Read(nil); n != 0 || err != nil {
			t.Fatalf("empty read: n=%d, err %v", n, err)
		}
	})
}
