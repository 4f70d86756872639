package cluster

import (
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
)

// statusView is what the master's status page shows.
type statusView struct {
	Workers []workerView `json:"workers"`
	Queries int          `json:"running_queries"`
}

type workerView struct {
	Address string `json:"address"`
	Cores   int    `json:"cores"`
}

func (m *Master) status() statusView {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := statusView{Queries: len(m.runs)}
	for addr := range m.workers {
		v.Workers = append(v.Workers, workerView{Address: addr, Cores: m.cores[addr]})
	}
	sort.Slice(v.Workers, func(i, j int) bool { return v.Workers[i].Address < v.Workers[j].Address })
	return v
}

var statusTemplate = template.Must(template.New("status").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Ember master</title>
<meta http-equiv="refresh" content="2"></head>
<body><h1>Ember master</h1>
<p>{{len .Workers}} workers, {{.Queries}} queries running.</p>
<table border="1" cellpadding="4"><tr><th>worker</th><th>cores</th></tr>
{{range .Workers}}<tr><td>{{.Address}}</td><td>{{.Cores}}</td></tr>{{end}}
</table><p><a href="/api/status">JSON</a></p></body></html>
`))

// StatusHandler serves the master's status: an HTML page at / and JSON at
// /api/status (the live workers and the number of running queries).
func (m *Master) StatusHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(m.status())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		statusTemplate.Execute(w, m.status())
	})
	return mux
}
