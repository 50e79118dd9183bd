// Command hello-go is Slipway's example service: a small HTTP server with liveness and readiness
// endpoints and a version endpoint that shows the release id stamped in at build time.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// version is set at build time with -ldflags "-X main.version=<release id>".
var version = "dev"

func main() {
	port := envOr("PORT", "8080")
	// HOST: every interface by default (a container's own network); slipway local sets
	// 127.0.0.1, so a task on a developer's machine is not reachable from the network.
	addr := os.Getenv("HOST") + ":" + port
	// Scratch images have no shell or curl: the binary checks its own liveness for ECS's
	// container health check ("/hello-go -healthcheck [PATH]"; Slipway's deploy passes the
	// manifest's liveness path).
	if len(os.Args) > 1 && os.Args[1] == "-healthcheck" {
		path := "/healthz"
		if len(os.Args) > 2 && strings.HasPrefix(os.Args[2], "/") {
			path = os.Args[2]
		}
		os.Exit(healthcheck("http://127.0.0.1:" + port + path))
	}
	srv := &http.Server{
		Addr:              addr,
		Handler:           newMux(&readiness{}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	ready := srv.Handler.(*mux).ready

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	go func() {
		log.Printf("hello-go %s listening on %s", version, addr)
		ready.set(true)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("listen: %v", err)
		}
	}()

	<-ctx.Done()
	// Stop taking new work first, so the load balancer drains us, then shut down.
	ready.set(false)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("shutdown: %v", err)
	}
}

type readiness struct{ ok atomic.Bool }

func (r *readiness) set(v bool) { r.ok.Store(v) }

type mux struct {
	*http.ServeMux
	ready *readiness
}

func newMux(ready *readiness) *mux {
	m := &mux{ServeMux: http.NewServeMux(), ready: ready}
	m.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	m.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.ok.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	m.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"version": version})
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": "hello from hello-go", "version": version})
	})
	return m
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// healthcheck returns 0 when url answers 200 within two seconds, 1 otherwise.
func healthcheck(url string) int {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
