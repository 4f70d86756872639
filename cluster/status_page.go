package cluster

import (
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"time"
)

// statusView is what the master's status page shows.
type statusView struct {
	Workers []workerView `json:"workers"`
	Queries []queryView  `json:"running_queries"`
}

// runningQuery is what the master knows of a query it runs; Progress is
// updated (under Master.mu) as its tasks finish.
type runningQuery struct {
	ID       string
	Started  time.Time
	Stages   int
	Progress Progress
}

type queryView struct {
	ID           string  `json:"id"`
	Seconds      float64 `json:"seconds"`
	StagesDone   int     `json:"stages_done"`
	Stages       int     `json:"stages"`
	TasksDone    int     `json:"tasks_done"`
	Tasks        int     `json:"tasks"`
	TasksRunning int     `json:"tasks_running"`
}

type workerView struct {
	Address string `json:"address"`
	Cores   int    `json:"cores"`
}

func (m *Master) status() statusView {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := statusView{}
	for _, q := range m.runs {
		p := q.Progress
		v.Queries = append(v.Queries, queryView{ID: q.ID, Seconds: time.Since(q.Started).Round(time.Millisecond).Seconds(),
			StagesDone: p.StagesDone, Stages: q.Stages, TasksDone: p.TasksDone, Tasks: p.TasksTotal, TasksRunning: p.TasksRunning})
	}
	sort.Slice(v.Queries, func(i, j int) bool { return v.Queries[i].Seconds > v.Queries[j].Seconds })
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
<h2>Workers: {{len .Workers}}</h2>
<table border="1" cellpadding="4"><tr><th>worker</th><th>cores</th></tr>
{{range .Workers}}<tr><td>{{.Address}}</td><td>{{.Cores}}</td></tr>{{end}}
</table>
<h2>Running queries: {{len .Queries}}</h2>
<table border="1" cellpadding="4"><tr><th>query</th><th>seconds</th><th>stages done</th><th>tasks done</th><th>tasks running</th></tr>
{{range .Queries}}<tr><td>{{.ID}}</td><td>{{.Seconds}}</td><td>{{.StagesDone}} / {{.Stages}}</td><td>{{.TasksDone}} / {{.Tasks}}</td><td>{{.TasksRunning}}</td></tr>{{end}}
</table><p><a href="/api/status">JSON</a></p></body></html>
`))

// StatusHandler serves the master's status: an HTML page at / and JSON at
// /api/status (the live workers, and the running queries with their
// progress).
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
