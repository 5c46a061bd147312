package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/luabpf/luabpf/runtime"
)

// handleSignals gives the first SIGINT to the script as a catchable
// "interrupted!" error (rt.Interrupt), as LuaJIT's interpreter does, so a
// pcall around the main loop can print a summary. A second SIGINT, or
// SIGTERM, cancels the returned context, which stops the script whatever
// it catches. stop ends the handling and restores the default actions.
func handleSignals(rt *runtime.Runtime) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		defer close(done)
		interrupted := false
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGINT && !interrupted {
					interrupted = true
					rt.Interrupt()
					continue
				}
				cancel()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel()
		<-done
	}
}
