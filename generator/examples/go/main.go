// A minimal HTTP service, the sample application of `dockseal new --example go` (standard library only).
// It answers 200 with a small JSON document on / and on the health path, 404 elsewhere.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"time"
)

func getenv(key, fallback string) string {
	if value := os.Getenv(key); value != "" {
		return value
	}
	return fallback
}

func ok(w http.ResponseWriter, r *http.Request) {
	healthPath := getenv("HEALTH_PATH", "/healthz")
	if r.URL.Path != "/" && r.URL.Path != healthPath {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "service": "go-example"})
}

func main() {
	server := &http.Server{
		Addr:              ":" + getenv("PORT", "8080"),
		Handler:           http.HandlerFunc(ok),
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Printf("listening on %s", server.Addr)
	log.Fatal(server.ListenAndServe())
}
