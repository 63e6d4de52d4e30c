package go_test_suite

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected output of golden files")

// mmcheckBin is built once by TestMain.
var mmcheckBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "mmcheck-cli")
	if err != nil {
		panic(err)
	}
	mmcheckBin = filepath.Join(dir, "mmcheck")
	cmd := exec.Command("go", "build", "-o", mmcheckBin, "..")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		panic("building mmcheck: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// A CLI script (testdata/cli/*.txtar) is a txtar archive: its comment holds
// the command line ("mmcheck ...") and the expected exit status ("exit N");
// the file "stdout" (and optionally "stderr") holds the expected output;
// every other file is written to a fresh directory where the command runs.
// Durations in the output are replaced by "<dur>".
type script struct {
	args  []string
	exit  int
	files map[string]string
	order []string
}

func parseTxtar(data string) (comment string, files map[string]string, order []string) {
	files = map[string]string{}
	re := regexp.MustCompile(`(?m)^-- (.+) --$`)
	locs := re.FindAllStringSubmatchIndex(data, -1)
	if len(locs) == 0 {
		return data, files, nil
	}
	comment = data[:locs[0][0]]
	for i, l := range locs {
		name := data[l[2]:l[3]]
		start := l[1] + 1
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if start > end {
			start = end
		}
		files[name] = data[start:end]
		order = append(order, name)
	}
	return comment, files, order
}

var (
	durRE  = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?(µs|ms|s)\b`)
	herdRE = regexp.MustCompile(`(?m)^Time (\S+) [0-9.]+$`)
)

// secondsRE is the duration field of --json reports.
var secondsRE = regexp.MustCompile(`"seconds": [0-9.e+-]+`)

func normalize(s string) string {
	s = secondsRE.ReplaceAllString(s, `"seconds": "<dur>"`)
	return herdRE.ReplaceAllString(durRE.ReplaceAllString(s, "<dur>"), "Time $1 <dur>")
}

func TestCLI(t *testing.T) {
	scripts, _ := filepath.Glob("testdata/cli/*.txtar")
	if len(scripts) == 0 {
		t.Fatal("no CLI scripts")
	}
	for _, path := range scripts {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			comment, files, order := parseTxtar(string(data))
			var args []string
			exit := -1
			for _, line := range strings.Split(comment, "\n") {
				line = strings.TrimSpace(line)
				switch {
				case strings.HasPrefix(line, "mmcheck "):
					args = strings.Fields(line)[1:]
				case strings.HasPrefix(line, "exit "):
					exit, _ = strconv.Atoi(strings.TrimPrefix(line, "exit "))
				}
			}
			if args == nil || exit < 0 {
				t.Fatalf("%s: needs a 'mmcheck ...' line and an 'exit N' line", path)
			}
			dir := t.TempDir()
			for name, body := range files {
				if name == "stdout" || name == "stderr" {
					continue
				}
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(mmcheckBin, args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "COLUMNS=100")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			gotOut, gotErr := normalize(stdout.String()), normalize(stderr.String())
			if *update {
				files["stdout"] = gotOut
				if _, ok := files["stderr"]; ok || gotErr != "" {
					files["stderr"] = gotErr
				}
				if !contains(order, "stdout") {
					order = append([]string{"stdout"}, order...)
				}
				if _, ok := files["stderr"]; ok && !contains(order, "stderr") {
					order = append([]string{"stderr"}, order...)
				}
				var b strings.Builder
				b.WriteString(regexp.MustCompile(`(?m)^exit [0-9]+$`).ReplaceAllString(comment, "exit "+strconv.Itoa(code)))
				for _, name := range order {
					b.WriteString("-- " + name + " --\n" + files[name])
				}
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if code != exit {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exit, gotOut, gotErr)
			}
			if want, ok := files["stdout"]; ok && gotOut != want {
				t.Errorf("stdout differs:\n--- got ---\n%s--- want ---\n%s", gotOut, want)
			}
			if want, ok := files["stderr"]; ok && gotErr != want {
				t.Errorf("stderr differs:\n--- got ---\n%s--- want ---\n%s", gotErr, want)
			}
		})
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
