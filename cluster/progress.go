package cluster

import (
	"time"

	emberpb "github.com/ember-sql/ember/proto"
)

// Progress counts a running query's stages and tasks, done and in all.
// Output that is lost and made again adds its tasks to the totals, so
// TasksDone never goes back.
type Progress struct {
	StagesDone, StagesTotal int
	TasksDone, TasksTotal   int
	TasksRunning            int
}

// progressEvery is the most often a query reports its progress: often
// enough for a progress bar, rarely enough to cost nothing.
const progressEvery = 250 * time.Millisecond

// progressCounter is the scheduling loop's count of finished tasks.
type progressCounter struct {
	tasksDone, tasksTotal int
	last                  time.Time
}

// progress computes the query's progress now.
func (r *run) progress() Progress {
	p := Progress{StagesTotal: len(r.q.Plan.Stages), TasksDone: r.count.tasksDone,
		TasksTotal: r.count.tasksTotal, TasksRunning: len(r.running)}
	for _, st := range r.q.Plan.Stages {
		if r.stageDone(st.ID) {
			p.StagesDone++
		}
	}
	return p
}

// reportProgress tells the Scheduler's Progress hook, at most every
// progressEvery unless final.
func (r *run) reportProgress(final bool) {
	if r.s.Progress == nil {
		return
	}
	now := time.Now()
	if !final && now.Sub(r.count.last) < progressEvery {
		return
	}
	r.count.last = now
	r.s.Progress(r.progress())
}

// ProgressToProto converts a Progress for the wire.
func ProgressToProto(p Progress) *emberpb.Progress {
	return &emberpb.Progress{StagesDone: int32(p.StagesDone), StagesTotal: int32(p.StagesTotal),
		TasksDone: int32(p.TasksDone), TasksTotal: int32(p.TasksTotal), TasksRunning: int32(p.TasksRunning)}
}

// ProgressFromProto converts a Progress from the wire.
func ProgressFromProto(p *emberpb.Progress) Progress {
	return Progress{StagesDone: int(p.GetStagesDone()), StagesTotal: int(p.GetStagesTotal()),
		TasksDone: int(p.GetTasksDone()), TasksTotal: int(p.GetTasksTotal()), TasksRunning: int(p.GetTasksRunning())}
}
