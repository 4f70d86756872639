package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ember-sql/ember/tpch/dbgen"
)

// newGenCommand is `ember gen`, the parent of the data generators.
func newGenCommand(io stdio) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Generate benchmark data",
		// Without a generator it shows its help; a name that is not one of
		// its subcommands reaches RunE as an argument.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown generator %q; the generators are: tpch", args[0])
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newGenTPCHCommand(io))
	return cmd
}

// genOptions are the flags of `ember gen tpch`.
type genOptions struct {
	sf       float64
	out      string
	format   string
	parallel int
	tables   []string
}

func newGenTPCHCommand(io stdio) *cobra.Command {
	var opts genOptions
	cmd := &cobra.Command{
		Use:   "tpch",
		Short: "Generate the TPC-H tables",
		Long: `Generate the eight TPC-H tables at a scale factor: value for value the
data of dbgen, the TPC's generator, as DuckDB runs it (whose text pool is
smaller than the TPC kit's, so comments differ from that kit's), with the
official row counts (6,001,215 lineitem rows at scale factor 1).

Each table is written to DIR/<table>.parquet (Snappy-compressed) or
DIR/<table>.csv; a table of more than about 2 million rows becomes a
directory DIR/<table>/ of part files, read as one table by --data. The
output is the same whatever --parallel. Tables are written under a
temporary name and moved into place when all are complete, replacing those
of an earlier run.`,
		Example: `  ember gen tpch --sf 1 --out data/sf1
  ember gen tpch --sf 0.1 --out /tmp/tpch --format csv --tables lineitem,orders`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenTPCH(cmd, io, &opts)
		},
	}
	f := cmd.Flags()
	f.Float64Var(&opts.sf, "sf", 1, "scale factor `N` (1 is 6 million lineitem rows; fractions allowed)")
	f.StringVar(&opts.out, "out", "", "write the tables to directory `DIR` (required)")
	f.StringVar(&opts.format, "format", dbgen.FormatParquet, "output format: parquet or csv")
	f.IntVar(&opts.parallel, "parallel", 0, "files written at once (default: the number of CPUs)")
	f.StringSliceVar(&opts.tables, "tables", nil, "generate only these `tables`, comma-separated (default: all eight)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// runGenTPCH generates the tables, with a progress bar on stderr when it
// is a terminal, and prints a summary line.
func runGenTPCH(cmd *cobra.Command, io stdio, opts *genOptions) error {
	if opts.parallel < 0 || cmd.Flags().Changed("parallel") && opts.parallel == 0 {
		return fmt.Errorf("--parallel %d: must be at least 1", opts.parallel)
	}
	ctx, stop := interruptContext(cmd.Context())
	defer stop()

	gopts := dbgen.Options{
		ScaleFactor: opts.sf,
		OutDir:      opts.out,
		Format:      strings.ToLower(opts.format),
		Parallel:    opts.parallel,
		Tables:      opts.tables,
	}
	var bar *progressbar.ProgressBar
	if f, ok := io.err.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		gopts.Progress = func(done, total int64) {
			if bar == nil {
				bar = progressbar.NewOptions64(total,
					progressbar.OptionSetWriter(f),
					progressbar.OptionSetDescription("generating"),
					progressbar.OptionShowCount(),
					progressbar.OptionSetItsString("rows"),
					progressbar.OptionShowIts(),
					progressbar.OptionSetPredictTime(true),
					progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish(),
				)
			}
			_ = bar.Set64(done)
		}
	}

	start := time.Now()
	sum, err := dbgen.Generate(ctx, gopts)
	if bar != nil {
		_ = bar.Clear()
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return cancelled("generation")
		}
		return err
	}
	_, err = fmt.Fprintf(io.out, "generated %d tables, %s rows in %d files in %s (scale factor %g, %s)\n",
		len(sum.Tables), groupDigits(sum.Rows), sum.Files, opts.out,
		opts.sf, formatSeconds(time.Since(start)))
	return err
}

// groupDigits writes n with thousands separators: 8,661,245.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatSeconds writes d in seconds with one decimal: "4.2 s".
func formatSeconds(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}
