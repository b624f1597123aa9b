package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// narrator prints the story. Every expected step is a check: printed with ✓ when it happened, ✗ with what was seen
// instead when it did not; the run fails when any check failed.
type narrator struct {
	mu      sync.Mutex
	w       io.Writer
	color   bool
	started time.Time
	mark    time.Time // start of the current scene, for +s offsets

	passed int
	missed []string
}

func newNarrator(w io.Writer) *narrator {
	color := false
	if f, ok := w.(*os.File); ok && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			color = true
		}
	}
	now := time.Now()
	return &narrator{w: w, color: color, started: now, mark: now}
}

func (n *narrator) paint(code, s string) string {
	if !n.color {
		return s
	}
	return "\033[" + code + "m" + s + "\033[0m"
}

func (n *narrator) printf(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	fmt.Fprintf(n.w, format, args...)
}

// title starts a section.
func (n *narrator) title(format string, args ...any) {
	n.printf("\n%s\n", n.paint("1", fmt.Sprintf(format, args...)))
}

// scene starts a story: the offsets printed with its steps count from here.
func (n *narrator) scene(format string, args ...any) {
	n.mu.Lock()
	n.mark = time.Now()
	n.mu.Unlock()
	n.title(format, args...)
}

func (n *narrator) offset() string {
	return fmt.Sprintf("%+6.2fs", time.Since(n.mark).Seconds())
}

// info prints a line that is not a check (context, what the driver does).
func (n *narrator) info(format string, args ...any) {
	n.printf("  %s %s\n", n.paint("2", n.offset()), fmt.Sprintf(format, args...))
}

// detail prints an indented continuation line.
func (n *narrator) detail(format string, args ...any) {
	n.printf("  %s   %s\n", strings.Repeat(" ", 7), n.paint("2", fmt.Sprintf(format, args...)))
}

// check records one expected step: ok says whether it happened; what names the step; seen is what the driver
// found (printed either way, after the step).
func (n *narrator) check(ok bool, what string, seen string) bool {
	n.mu.Lock()
	if ok {
		n.passed++
	} else {
		n.missed = append(n.missed, what+orEmpty(": ", seen))
	}
	n.mu.Unlock()
	mark := n.paint("32", "✓")
	if !ok {
		mark = n.paint("31", "✗ MISSING")
	}
	n.printf("  %s %s %s%s\n", n.paint("2", n.offset()), mark, what, orEmpty(" — ", seen))
	return ok
}

func orEmpty(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

func (n *narrator) failed() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.missed) > 0
}

func excerpt(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
