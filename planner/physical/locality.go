package physical

// TaskFiles returns the files task part of st reads through its scans, and
// how many bytes of each (-1 when unknown), so that a scheduler can run
// the task where its data is. Scans read whole by every task (the build
// side of a broadcast join) are left out: they are not the task's own
// share of the data.
func TaskFiles(st *Stage, part int) map[string]int64 {
	var out map[string]int64
	var walk func(n Node)
	walk = func(n Node) {
		if s, ok := n.(*Scan); ok && len(s.Partitions) == st.Tasks() && part < len(s.Partitions) {
			for _, sp := range s.Partitions[part] {
				if sp.Path == "" {
					continue
				}
				if out == nil {
					out = map[string]int64{}
				}
				if sp.Bytes < 0 || out[sp.Path] < 0 {
					out[sp.Path] = -1
				} else {
					out[sp.Path] += sp.Bytes
				}
			}
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(st.Root)
	return out
}
