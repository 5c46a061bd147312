package runtime

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/perf"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/proto"
	lua "github.com/yuin/gopher-lua"
)

// defaultPerfBytes is the size of each CPU's ring of a perf event reader
// when map:reader gives none.
const defaultPerfBytes = 64 << 10

// perfFlushEvery bounds how long a perf event reader's wait lasts before
// it looks into the rings itself. The kernel wakes the reader only once
// a ring is a quarter full (a wakeup per record costs the sender more
// than the record: 93 k records/s instead of a million), so records
// sent slowly would wait there; this is how late they can be.
const perfFlushEvery = 10 * time.Millisecond

// GCPercent is the garbage collector's target that `luabpf run` sets
// unless GOGC is given. A script's live heap is small, and an event
// reader makes a cdata for every record, so at the default (100) the
// collector runs tens of times a second at a million records a second;
// at 400 the Lua perf reader keeps up with about 15 % more records.
const GCPercent = 400

// noWait is a deadline in the past: read what is there, do not wait.
var noWait = time.Unix(0, 1)

// records is where an event reader's records come from: the rings of a
// perf event array or a ring buffer, both read through cilium/ebpf.
type records interface {
	// read returns the next record's bytes, waiting until deadline (the
	// zero time: forever; a past time: not at all). lost counts records
	// the kernel could not store before this one. The bytes are valid
	// until the next read.
	read(deadline time.Time) (data []byte, lost uint64, err error)
	// wake makes a waiting read return.
	wake()
	Close() error
}

// perfRecords reads a perf event array into one reused record.
type perfRecords struct {
	r        *perf.Reader
	rec      perf.Record
	deadline time.Time
}

func (p *perfRecords) read(deadline time.Time) ([]byte, uint64, error) {
	if !deadline.Equal(p.deadline) {
		p.r.SetDeadline(deadline)
		p.deadline = deadline
	}
	err := p.r.ReadInto(&p.rec)
	if err != nil {
		return nil, 0, err
	}
	return p.rec.RawSample, p.rec.LostSamples, nil
}
func (p *perfRecords) wake()        { p.r.Flush() }
func (p *perfRecords) Close() error { return p.r.Close() }

// ringRecords reads a ring buffer into one reused record.
type ringRecords struct {
	r        *ringbuf.Reader
	rec      ringbuf.Record
	deadline time.Time
}

func (g *ringRecords) read(deadline time.Time) ([]byte, uint64, error) {
	if !deadline.Equal(g.deadline) {
		g.r.SetDeadline(deadline)
		g.deadline = deadline
	}
	err := g.r.ReadInto(&g.rec)
	if err != nil {
		return nil, 0, err
	}
	return g.rec.RawSample, 0, nil
}
func (g *ringRecords) wake()        { g.r.Flush() }
func (g *ringRecords) Close() error { return g.r.Close() }

// eventReader is what map:reader returns: records from kernel code's
// perf_submit, decoded as a C type.
type eventReader struct {
	r    *Runtime
	src  records
	kind string      // the map's type: perf_event_array, ringbuf
	typ  *ctype.Type // nil: records are Lua strings
	// flushEvery, when not zero, bounds each wait of r:block (see
	// perfFlushEvery).
	flushEvery time.Duration
	// held is a record r:block read and r:read has not yet handed out;
	// it is the source's reused buffer, so nothing reads before it is
	// taken.
	held   []byte
	have   bool
	slab   []byte // memory the next records' cdata are cut from
	lost   uint64
	closed bool
}

// String describes the reader as tostring shows it: "bpf reader<ringbuf,
// struct event>" (records as strings when no type was given).
func (e *eventReader) String() string {
	what := "string"
	if e.typ != nil {
		what = e.typ.String()
	}
	if e.closed {
		what += ", closed"
	}
	return fmt.Sprintf("bpf reader<%s, %s>", e.kind, what)
}

// Close stops reading and releases the rings.
func (e *eventReader) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	e.held, e.have = nil, false
	return e.src.Close()
}

// mapReader implements map:reader(pid, cpu, ctype [, bytes]) (or
// map:reader(ctype)) on perf
// event arrays and ring buffers: the records kernel code sends from any
// CPU, typed as ctype, through rings of bytes each. The original read
// only the given CPU's (and refused to read all of them), so records a
// program sent on another CPU were lost: scripts pass pid and cpu as it
// needed them, and luabpf takes them and reads every CPU's ring.
func (r *Runtime) mapReader(L *lua.LState) int {
	m := checkMap(L, 1)
	if r.compiling() {
		return r.waitStop(L, "map:reader")
	}
	// m:reader(ctype) is short for m:reader(nil, nil, ctype): the pid and
	// cpu only mattered to the original.
	typArg := 4
	if v := L.Get(2); v != lua.LNil {
		if _, num := v.(lua.LNumber); !num {
			if L.GetTop() > 2 {
				L.ArgError(2, "the pid must be a number or nil (the record type comes third: map:reader(pid, cpu, ctype), or alone: map:reader(ctype))")
			}
			typArg = 2
		}
	}
	if v := L.Get(3); v != lua.LNil && typArg == 4 {
		if _, num := v.(lua.LNumber); !num {
			L.ArgError(3, "the cpu must be a number or nil")
		}
	}
	var typ *ctype.Type
	if v := L.Get(typArg); v != lua.LNil {
		t, err := r.ffi.TypeOf(L, v)
		if err != nil {
			L.ArgError(typArg, err.Error())
		}
		typ = t
	}
	em, err := m.create()
	if err != nil {
		L.RaiseError("%v", err)
	}
	var src records
	var flushEvery time.Duration
	switch m.desc.Type.User {
	case proto.PerfReader:
		src, err = r.perfReader(em, L.OptInt(5, defaultPerfBytes))
		flushEvery = perfFlushEvery
	case proto.RingReader:
		var rd *ringbuf.Reader
		rd, err = ringbuf.NewReader(em)
		src = &ringRecords{r: rd}
	default:
		L.RaiseError("map:reader reads perf_event_array and ringbuf maps; this is a %s map", m.desc.Type.Name)
	}
	if err != nil {
		L.RaiseError("open a reader on the %s map: %v", m.desc.Type.Name, err)
	}
	e := &eventReader{r: r, src: src, kind: m.desc.Type.Name, typ: typ, flushEvery: flushEvery}
	r.track(e)
	ud := L.NewUserData()
	ud.Value = e
	L.SetMetatable(ud, r.readerMeta())
	L.Push(ud)
	return 1
}

// perfReader opens a ring on every CPU, so records from any CPU arrive.
// The kernel wakes the reader once a ring holds a quarter of its bytes,
// not for every record (see perfFlushEvery).
func (r *Runtime) perfReader(m *ebpf.Map, bytes int) (records, error) {
	if bytes < 1 {
		bytes = 1
	}
	page := os.Getpagesize()
	ring := (bytes + page - 1) / page * page
	rd, err := perf.NewReaderWithOptions(m, bytes, perf.ReaderOptions{Watermark: max(ring/4, 1)})
	if err != nil {
		return nil, err
	}
	return &perfRecords{r: rd}, nil
}

func checkReader(L *lua.LState) *eventReader {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if e, ok := ud.Value.(*eventReader); ok {
			return e
		}
	}
	L.ArgError(1, "expected a reader made by map:reader()")
	return nil
}

// readerMeta is the metatable of readers: r:block([seconds]), r:read(),
// r.lost, r:close().
func (r *Runtime) readerMeta() *lua.LTable {
	L := r.L
	if mt, ok := L.GetField(L.Get(lua.RegistryIndex), "luabpf.reader").(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	methods := map[string]lua.LGFunction{
		"block": r.readerBlock,
		"read":  r.readerRead,
		"close": func(L *lua.LState) int { checkReader(L).Close(); return 0 },
	}
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		e := checkReader(L)
		k := L.CheckString(2)
		if k == "lost" {
			L.Push(lua.LNumber(e.lost))
			return 1
		}
		if fn, ok := methods[k]; ok {
			L.Push(L.NewFunction(fn))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(checkReader(L).String()))
		return 1
	}))
	L.SetField(L.Get(lua.RegistryIndex), "luabpf.reader", mt)
	return mt
}

// readerBlock implements r:block([seconds]): it waits until a record is
// there to read (true) or the time is up (false). Interrupting the
// script ends the wait.
func (r *Runtime) readerBlock(L *lua.LState) int {
	e := checkReader(L)
	if e.closed {
		L.RaiseError("the reader is closed")
	}
	if e.have {
		L.Push(lua.LTrue)
		return 1
	}
	var deadline time.Time
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		sec := float64(L.CheckNumber(2))
		deadline = time.Now().Add(time.Duration(sec * float64(time.Second)))
	}
	// Try without waiting first: records are often there already.
	if e.fetch(L, noWait) {
		L.Push(lua.LTrue)
		return 1
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-r.vm.Done(): // an interrupt or a stop
			e.src.wake()
		case <-done:
		}
	}()
	for {
		wait := deadline
		if e.flushEvery > 0 {
			// A bounded wait, after which the rings are read even though
			// the kernel did not wake the reader.
			if w := time.Now().Add(e.flushEvery); deadline.IsZero() || w.Before(deadline) {
				wait = w
			}
		}
		data, err := e.next(wait)
		if data == nil {
			// An interrupt or a stop woke the read. Err takes it here, on
			// the VM's goroutine, where it is raised.
			if verr := r.vm.Err(); verr != nil {
				L.RaiseError("%s", verr)
			}
		}
		switch {
		case data != nil:
			e.held, e.have = data, true
			L.Push(lua.LTrue)
			return 1
		case errors.Is(err, os.ErrDeadlineExceeded):
			if !deadline.IsZero() && !time.Now().Before(deadline) {
				L.Push(lua.LFalse)
				return 1
			}
			// a bounded wait is over: wait again
		case errors.Is(err, perf.ErrFlushed), errors.Is(err, ringbuf.ErrFlushed):
			// woken without a record: wait again
		case err != nil:
			L.RaiseError("read events: %v", err)
		}
	}
}

// next reads one record, counting lost ones; it returns nil data when
// there was only a loss report.
func (e *eventReader) next(deadline time.Time) ([]byte, error) {
	data, lost, err := e.src.read(deadline)
	e.lost += lost
	if err != nil || len(data) == 0 {
		return nil, err
	}
	return data, nil
}

// fetch makes the next record held unless there is none until deadline
// (false).
func (e *eventReader) fetch(L *lua.LState, deadline time.Time) bool {
	for !e.have && !e.closed {
		data, err := e.next(deadline)
		switch {
		case data != nil:
			e.held, e.have = data, true
		case err == nil:
			// only a loss report: read on
		case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, perf.ErrFlushed), errors.Is(err, ringbuf.ErrFlushed):
			return false
		default:
			L.RaiseError("read events: %v", err)
		}
	}
	return e.have
}

// readerRead implements r:read(): an iterator over the records that are
// there now, `for i, event in r:read() do`, without waiting.
func (r *Runtime) readerRead(L *lua.LState) int {
	e := checkReader(L)
	i := 0
	iter := L.NewFunction(func(L *lua.LState) int {
		if !e.fetch(L, noWait) {
			L.Push(lua.LNil)
			return 1
		}
		data := e.held
		e.held, e.have = nil, false
		i++
		L.Push(indexValue(i))
		L.Push(e.decode(L, data))
		return 2
	})
	L.Push(iter)
	L.Push(lua.LNil)
	L.Push(lua.LNil)
	return 3
}

// indexValues are the indexes r:read() hands out most, made into Lua
// values once: making one allocates.
var indexValues = func() (v [4096]lua.LValue) {
	for i := range v {
		v[i] = lua.LNumber(i)
	}
	return v
}()

func indexValue(i int) lua.LValue {
	if i < len(indexValues) {
		return indexValues[i]
	}
	return lua.LNumber(i)
}

// cdataSlab is how many bytes of cdata memory a reader allocates at a
// time, to cut the records' cdata from.
const cdataSlab = 4096

// decode turns a record into a cdata of the reader's type (bytes beyond
// the record are zero), or a string when the reader has no type. The
// record's bytes are copied: the source reuses them.
func (e *eventReader) decode(L *lua.LState, data []byte) lua.LValue {
	if e.typ == nil {
		return lua.LString(data)
	}
	size := max(e.typ.Size, 0)
	var mem []byte
	if n := (size + 7) &^ 7; n > cdataSlab/4 {
		mem = make([]byte, size)
	} else {
		if len(e.slab) < n {
			e.slab = make([]byte, cdataSlab)
		}
		mem = e.slab[:size:size]
		e.slab = e.slab[n:]
	}
	copy(mem, data)
	return e.r.ffi.WrapMem(L, e.typ, mem)
}
