package runtime

import (
	"errors"
	"os"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/perf"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/proto"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// defaultPerfBytes is the size of each CPU's ring of a perf event reader
// when map:reader gives none.
const defaultPerfBytes = 64 << 10

// records is where an event reader's records come from: the rings of a
// perf event array or a ring buffer, both read through cilium/ebpf.
type records interface {
	// read returns the next record's bytes, waiting until deadline (the
	// zero time: forever; a past time: not at all). lost counts records
	// the kernel could not store before this one.
	read(deadline time.Time) (data []byte, lost uint64, err error)
	// wake makes a waiting read return.
	wake()
	Close() error
}

type perfRecords struct{ r *perf.Reader }

func (p perfRecords) read(deadline time.Time) ([]byte, uint64, error) {
	p.r.SetDeadline(deadline)
	rec, err := p.r.Read()
	return rec.RawSample, rec.LostSamples, err
}
func (p perfRecords) wake()        { p.r.Flush() }
func (p perfRecords) Close() error { return p.r.Close() }

type ringRecords struct{ r *ringbuf.Reader }

func (g ringRecords) read(deadline time.Time) ([]byte, uint64, error) {
	g.r.SetDeadline(deadline)
	rec, err := g.r.Read()
	return rec.RawSample, 0, err
}
func (g ringRecords) wake()        { g.r.Flush() }
func (g ringRecords) Close() error { return g.r.Close() }

// eventReader is what map:reader returns: records from kernel code's
// perf_submit, decoded as a C type.
type eventReader struct {
	r       *Runtime
	src     records
	typ     *ctype.Type // nil: records are Lua strings
	pending [][]byte
	lost    uint64
	closed  bool
}

// Close stops reading and releases the rings.
func (e *eventReader) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	return e.src.Close()
}

// mapReader implements map:reader(pid, cpu, ctype [, bytes]) on perf
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
	var typ *ctype.Type
	if v := L.Get(4); v != lua.LNil {
		t, err := r.ffi.TypeOf(L, v)
		if err != nil {
			L.ArgError(4, err.Error())
		}
		typ = t
	}
	em, err := m.create()
	if err != nil {
		L.RaiseError("%v", err)
	}
	var src records
	switch m.desc.Type.User {
	case proto.PerfReader:
		src, err = r.perfReader(em, L.OptInt(5, defaultPerfBytes))
	case proto.RingReader:
		var rd *ringbuf.Reader
		rd, err = ringbuf.NewReader(em)
		src = ringRecords{rd}
	default:
		L.RaiseError("map:reader reads perf_event_array and ringbuf maps; this is a %s map", m.desc.Type.Name)
	}
	if err != nil {
		L.RaiseError("open a reader on the %s map: %v", m.desc.Type.Name, err)
	}
	e := &eventReader{r: r, src: src, typ: typ}
	r.track(e)
	ud := L.NewUserData()
	ud.Value = e
	L.SetMetatable(ud, r.readerMeta())
	L.Push(ud)
	return 1
}

// perfReader opens a ring on every CPU, so records from any CPU arrive.
func (r *Runtime) perfReader(m *ebpf.Map, bytes int) (records, error) {
	rd, err := perf.NewReader(m, bytes)
	if err != nil {
		return nil, err
	}
	return perfRecords{rd}, nil
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
	if len(e.pending) > 0 {
		L.Push(lua.LTrue)
		return 1
	}
	var deadline time.Time
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		sec := float64(L.CheckNumber(2))
		deadline = time.Now().Add(time.Duration(sec * float64(time.Second)))
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
		data, err := e.next(deadline)
		if data == nil {
			// An interrupt or a stop woke the read. Err takes it here, on
			// the VM's goroutine, where it is raised.
			if verr := r.vm.Err(); verr != nil {
				L.RaiseError("%s", verr)
			}
		}
		switch {
		case data != nil:
			e.pending = append(e.pending, data)
			L.Push(lua.LTrue)
			return 1
		case errors.Is(err, os.ErrDeadlineExceeded):
			L.Push(lua.LFalse)
			return 1
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

// readerRead implements r:read(): an iterator over the records that are
// there now, `for i, event in r:read() do`, without waiting.
func (r *Runtime) readerRead(L *lua.LState) int {
	e := checkReader(L)
	i := 0
	iter := L.NewFunction(func(L *lua.LState) int {
		for len(e.pending) == 0 && !e.closed {
			data, err := e.next(time.Now())
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, perf.ErrFlushed) || errors.Is(err, ringbuf.ErrFlushed) {
					break
				}
				L.RaiseError("read events: %v", err)
			}
			if data != nil {
				e.pending = append(e.pending, data)
			}
		}
		if len(e.pending) == 0 {
			L.Push(lua.LNil)
			return 1
		}
		data := e.pending[0]
		e.pending = e.pending[1:]
		i++
		L.Push(lua.LNumber(i))
		L.Push(e.decode(L, data))
		return 2
	})
	L.Push(iter)
	L.Push(lua.LNil)
	L.Push(lua.LNil)
	return 3
}

// decode turns a record into a cdata of the reader's type (bytes beyond
// the record are zero), or a string when the reader has no type.
func (e *eventReader) decode(L *lua.LState, data []byte) lua.LValue {
	if e.typ == nil {
		return lua.LString(data)
	}
	ud := e.r.ffi.NewCData(L, e.typ)
	c, _ := ffi.CDataOf(ud)
	copy(c.Mem, data)
	return ud
}
