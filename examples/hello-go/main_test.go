package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (int, map[string]string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil && rec.Code != http.StatusNotFound {
		t.Fatalf("%s: body is not JSON: %v", path, err)
	}
	return rec.Code, body
}

func TestHealthz_isAlwaysOK(t *testing.T) {
	code, body := get(t, newMux(&readiness{}), "/healthz")
	if code != http.StatusOK || body["status"] != "ok" {
		t.Fatalf("got %d %v", code, body)
	}
}

func TestReadyz_whenNotReady_then503(t *testing.T) {
	code, _ := get(t, newMux(&readiness{}), "/readyz")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("got %d, want 503", code)
	}
}

func TestReadyz_whenReady_then200(t *testing.T) {
	r := &readiness{}
	r.set(true)
	code, body := get(t, newMux(r), "/readyz")
	if code != http.StatusOK || body["status"] != "ready" {
		t.Fatalf("got %d %v", code, body)
	}
}

func TestVersion_showsTheStampedVersion(t *testing.T) {
	old := version
	version = "r-123"
	defer func() { version = old }()
	code, body := get(t, newMux(&readiness{}), "/version")
	if code != http.StatusOK || body["version"] != "r-123" {
		t.Fatalf("got %d %v", code, body)
	}
}

func TestUnknownPath_is404(t *testing.T) {
	code, _ := get(t, newMux(&readiness{}), "/nope")
	if code != http.StatusNotFound {
		t.Fatalf("got %d, want 404", code)
	}
}

func TestHealthcheck_isZeroOnlyFor200(t *testing.T) {
	ok := httptest.NewServer(newMux(&readiness{}))
	defer ok.Close()
	if code := healthcheck(ok.URL + "/healthz"); code != 0 {
		t.Fatalf("healthy server: got %d", code)
	}
	if code := healthcheck(ok.URL + "/nope"); code != 1 {
		t.Fatalf("404: got %d", code)
	}
	if code := healthcheck("http://127.0.0.1:1/healthz"); code != 1 {
		t.Fatalf("nothing listening: got %d", code)
	}
}
