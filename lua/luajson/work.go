package luajson

import (
	"context"
	"reflect"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// DefaultMaxWork is the [EncodeOptions.MaxWork] and [ToGoOptions.MaxWork]
// used when it is 0: 64 Mi table slots.
const DefaultMaxWork = 64 << 20

// workCheckEvery is how many table slots are walked between checks of the
// context: well under a millisecond of scanning.
const workCheckEvery = 1 << 16

// shapeMemoMin is the smallest table (in slots) whose shape is remembered
// for the rest of one encoding or conversion. Finding a table's length
// scans its empty trailing array slots, so a big sparse table used many
// times would otherwise be scanned each time.
const shapeMemoMin = 1024

// tableFields holds the indexes of the unexported fields of lua.LTable
// whose lengths bound what gopher-lua scans to walk a table: the array
// part (Len, Next and ForEach scan every slot, also the nil ones a
// script left behind, as in b[1e6] = true; b[1e6] = nil) and the key list
// of the hash part (Next skips deleted keys one by one). Indexes are -1
// if gopher-lua no longer has such a field (TestTableSlots catches it).
// Computed once, never changed.
var tableFields = sync.OnceValue(func() [2]int {
	out := [2]int{-1, -1}
	typ := reflect.TypeFor[lua.LTable]()
	for i, name := range []string{"array", "keys"} {
		if f, ok := typ.FieldByName(name); ok && f.Type.Kind() == reflect.Slice && len(f.Index) == 1 {
			out[i] = f.Index[0]
		}
	}
	return out
})

// tableSlots returns the number of slots walking t costs: the length of
// its array part, nil slots included, plus the keys its hash part ever
// held. Reading a slice length through reflect is a few nanoseconds and
// never scans.
func tableSlots(t *lua.LTable) int {
	f := tableFields()
	v := reflect.ValueOf(t).Elem()
	n := 0
	for _, i := range f {
		if i >= 0 {
			n += v.Field(i).Len()
		}
	}
	return n
}

// workBudget charges the slots an encoding or conversion walks and checks
// the context as the work grows.
type workBudget struct {
	ctx       context.Context
	max       int // 0: unlimited
	used      int
	nextCheck int
}

func newWorkBudget(ctx context.Context, max int) workBudget {
	switch {
	case max == 0:
		max = DefaultMaxWork
	case max < 0:
		max = 0
	}
	return workBudget{ctx: ctx, max: max, nextCheck: workCheckEvery}
}

// charge takes n slots from the budget.
func (w *workBudget) charge(n int) error {
	w.used += n
	if w.max > 0 && w.used > w.max {
		return &WorkError{Limit: w.max}
	}
	if w.used >= w.nextCheck {
		w.nextCheck = w.used + workCheckEvery
		if w.ctx != nil && w.ctx.Err() != nil {
			return context.Cause(w.ctx)
		}
	}
	return nil
}

// shapeResult is a remembered [shaper.shape] answer.
type shapeResult struct {
	isArray bool
	n       int
	reason  string
}

// shapeCharged classifies t like shape, charging the slots it walks to w.
// The shape of a large table is remembered, so a table used many times is
// scanned once; later uses are charged what walking their members costs
// (the elements of an array, every slot of an object).
func (s *shaper) shapeCharged(t *lua.LTable, w *workBudget) (bool, int, string, error) {
	slots := tableSlots(t)
	if slots >= shapeMemoMin {
		if r, ok := s.memo[t]; ok {
			cost := slots
			if r.isArray {
				cost = r.n
			}
			return r.isArray, r.n, r.reason, w.charge(cost + 1)
		}
	}
	if err := w.charge(slots + 1); err != nil {
		return false, 0, "", err
	}
	isArr, n, reason := s.shape(t)
	if slots >= shapeMemoMin {
		if s.memo == nil {
			s.memo = make(map[*lua.LTable]shapeResult)
		}
		s.memo[t] = shapeResult{isArr, n, reason}
	}
	return isArr, n, reason, nil
}
