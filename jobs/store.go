package jobs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	emberpb "github.com/ember-sql/ember/proto"
)

// The store's buckets. Jobs are keyed by their sequence number, big-endian,
// so that a cursor walks them in submission order; each job's log is a
// bucket of its own inside logBucket, under the same key.
var (
	jobBucket = []byte("jobs")
	logBucket = []byte("logs")
)

// idPrefix starts every job id.
const idPrefix = "job-"

// jobID is the id of the job with sequence number seq: short, and sorting
// as the sequence does up to a million jobs.
func jobID(seq uint64) string { return fmt.Sprintf("%s%06d", idPrefix, seq) }

// parseID returns the sequence number in id.
func parseID(id string) (uint64, error) {
	n, ok := strings.CutPrefix(id, idPrefix)
	seq, err := strconv.ParseUint(n, 10, 64)
	if !ok || err != nil || seq == 0 {
		return 0, fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	return seq, nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// store is the bbolt file of job records and logs.
type store struct {
	db *bolt.DB
}

// logLine is a log message to append with a state change.
type logLine struct {
	attempt int32
	msg     string
}

// errNoChange tells store.update that the function decided to write
// nothing.
var errNoChange = errors.New("no change")

func openStore(path string) (*store, error) {
	// The timeout turns a second master on the same work dir into an error
	// instead of a hang on the file lock.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("job store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(jobBucket); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(logBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("job store %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

// create stores a new job made by build from its sequence number, with
// log lines, in one transaction.
func (s *store) create(build func(seq uint64) *emberpb.Job, logs ...logLine) (*emberpb.Job, error) {
	var job *emberpb.Job
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(jobBucket)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		job = build(seq)
		if err := putJob(b, job); err != nil {
			return err
		}
		return appendLogs(tx, job.Seq, logs)
	})
	if err != nil {
		return nil, fmt.Errorf("job store: %w", err)
	}
	return job, nil
}

// update reads job id, lets change modify it and name log lines, and
// writes both in one transaction. When change returns errNoChange nothing
// is written and update returns the job as read, with a nil error; any
// other error of change is returned as is.
func (s *store) update(id string, change func(job *emberpb.Job) ([]logLine, error)) (*emberpb.Job, error) {
	seq, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var job *emberpb.Job
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(jobBucket)
		if job, err = getJob(b, id, seq); err != nil {
			return err
		}
		logs, err := change(job)
		if err != nil {
			return err
		}
		if err := putJob(b, job); err != nil {
			return fmt.Errorf("job store: %w", err)
		}
		return appendLogs(tx, seq, logs)
	})
	if errors.Is(err, errNoChange) {
		return job, nil
	}
	return job, err
}

// get reads job id.
func (s *store) get(id string) (*emberpb.Job, error) {
	seq, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var job *emberpb.Job
	err = s.db.View(func(tx *bolt.Tx) error {
		job, err = getJob(tx.Bucket(jobBucket), id, seq)
		return err
	})
	return job, err
}

// list returns the jobs in the given states (all when empty), newest
// first, at most limit of them (all when limit <= 0).
func (s *store) list(states []emberpb.JobState, limit int) ([]*emberpb.Job, error) {
	want := map[emberpb.JobState]bool{}
	for _, st := range states {
		want[st] = true
	}
	var out []*emberpb.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(jobBucket).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			job, err := unmarshalJob(k, v)
			if err != nil {
				return err
			}
			if len(want) > 0 && !want[job.State] {
				continue
			}
			out = append(out, job)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// each calls fn for every job, oldest first.
func (s *store) each(fn func(job *emberpb.Job) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(jobBucket).ForEach(func(k, v []byte) error {
			job, err := unmarshalJob(k, v)
			if err != nil {
				return err
			}
			return fn(job)
		})
	})
}

// logs returns job id's log lines, oldest first.
func (s *store) logs(id string) ([]*emberpb.JobLogLine, error) {
	seq, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var out []*emberpb.JobLogLine
	err = s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(jobBucket).Get(seqKey(seq)) == nil {
			return fmt.Errorf("job %s: %w", id, ErrNotFound)
		}
		b := tx.Bucket(logBucket).Bucket(seqKey(seq))
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			line := &emberpb.JobLogLine{}
			if err := proto.Unmarshal(v, line); err != nil {
				return fmt.Errorf("job store: a log line of job %s: %w", id, err)
			}
			out = append(out, line)
			return nil
		})
	})
	return out, err
}

func getJob(b *bolt.Bucket, id string, seq uint64) (*emberpb.Job, error) {
	k := seqKey(seq)
	v := b.Get(k)
	if v == nil {
		return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	return unmarshalJob(k, v)
}

func unmarshalJob(k, v []byte) (*emberpb.Job, error) {
	job := &emberpb.Job{}
	if err := proto.Unmarshal(v, job); err != nil {
		return nil, fmt.Errorf("job store: the record of job %s: %w", jobID(binary.BigEndian.Uint64(k)), err)
	}
	return job, nil
}

func putJob(b *bolt.Bucket, job *emberpb.Job) error {
	v, err := proto.Marshal(job)
	if err != nil {
		return err
	}
	return b.Put(seqKey(job.Seq), v)
}

// appendLogs adds lines to the log of job seq, stamped with the time now.
func appendLogs(tx *bolt.Tx, seq uint64, lines []logLine) error {
	if len(lines) == 0 {
		return nil
	}
	b, err := tx.Bucket(logBucket).CreateBucketIfNotExists(seqKey(seq))
	if err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	for _, l := range lines {
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		v, err := proto.Marshal(&emberpb.JobLogLine{TimeMs: now, Attempt: l.attempt, Message: l.msg})
		if err != nil {
			return err
		}
		if err := b.Put(seqKey(n), v); err != nil {
			return err
		}
	}
	return nil
}
