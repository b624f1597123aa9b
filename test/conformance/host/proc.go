package host

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Process inspection through /proc (Linux), to check what the plugin process is doing from the outside.

// ProcessAlive reports whether pid exists and is not a zombie.
func ProcessAlive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] != 'Z'
}

// MemoryKB returns VmRSS and VmHWM (peak RSS) of a process, in KiB.
func MemoryKB(pid int) (rss, hwm int, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			rss, _ = strconv.Atoi(fields[1])
		case "VmHWM:":
			hwm, _ = strconv.Atoi(fields[1])
		}
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("no VmRSS for pid %d", pid)
	}
	return rss, hwm, sc.Err()
}

// Cmdline returns the command line of a process, arguments separated by spaces.
func Cmdline(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.TrimSpace(strings.ReplaceAll(string(data), "\x00", " "))
}

// UnixSocketPaths returns the filesystem paths of the unix sockets a process has open (its go-plugin
// listener and the accepted connection), matched through the socket inodes in /proc/<pid>/fd and
// /proc/net/unix.
func UnixSocketPaths(pid int) ([]string, error) {
	fdDir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, e := range entries {
		link, err := os.Readlink(filepath.Join(fdDir, e.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
	f, err := os.Open("/proc/net/unix")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header: Num RefCount Protocol Flags Type St Inode Path
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 8 && inodes[fields[6]] && strings.HasPrefix(fields[7], "/") {
			seen[fields[7]] = true
		}
	}
	paths := make([]string, 0, len(seen))
	for p := range seen {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths, sc.Err()
}

// MemorySplitKB returns VmRSS and its parts RssAnon (heaps, stacks) and RssFile (pages of the executable and other
// mapped files), in KiB: an executable's code counts in RSS only as far as it was touched, and is shared and
// reclaimable, unlike the heap.
func MemorySplitKB(pid int) (rss, anon, file int, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		n, _ := strconv.Atoi(fields[1])
		switch fields[0] {
		case "VmRSS:":
			rss = n
		case "RssAnon:":
			anon = n
		case "RssFile:":
			file = n
		}
	}
	if rss == 0 {
		return 0, 0, 0, fmt.Errorf("no VmRSS for pid %d", pid)
	}
	return rss, anon, file, nil
}

// CPUTime returns the time a process's main thread and all its threads have spent on a CPU so far (the first field
// of /proc/<pid>/task/<tid>/schedstat). Unlike wall time it hardly depends on what else the machine runs.
func CPUTime(pid int) (main, all time.Duration, err error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, 0, fmt.Errorf("no threads for pid %d", pid)
	}
	for _, path := range tasks {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // the thread has exited
		}
		if fields := strings.Fields(string(data)); len(fields) > 0 {
			ns, _ := strconv.ParseInt(fields[0], 10, 64)
			all += time.Duration(ns)
			if filepath.Base(filepath.Dir(path)) == strconv.Itoa(pid) {
				main = time.Duration(ns)
			}
		}
	}
	return main, all, nil
}
