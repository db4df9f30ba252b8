#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""False positives: with every rule on, an ordinary workload must give no finding.

The workload runs under one bash started here (its pid is the workload's root): a C project built
with make and gcc, a shell script with pipes, redirections, subshells, here-documents and process
substitution, python3 and perl one-liners (a python one runs a local HTTP server and fetches from
it), tar and gzip of a directory, `apt-cache policy bash`, `ssh-keygen -t ed25519`, a git
repository and a few coreutils. Steps whose tool is missing are skipped and said so.

Every finding seen while the agent runs is printed and counts against the workload, except:
  - those of trigger programs (another test's, or our own control below), found by the executable
    of the process or of one of its ancestors: one in this build's tests/, or one of the same name
    in another build's tests/ directory (another checkout's tests running on the same machine);
  - those whose process ancestry is known up to init and does not go through the workload's bash
    (some other activity on the machine).
At the end one trigger (PTRACE_TRACEME) is run as a control: its finding must show up, proving the
agent was watching during the workload. The agent must not report malformed events and must exit 0
on SIGINT.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TRIGGERS, Checks, Tracee, require_root_bpf, trigger  # noqa: E402

SCRIPT = r'''
set -u
W=$1; shift

step() {            # step NAME: runs the function step_NAME, reports its status
        local rc
        # not in a || list: set -e must stay in force inside the step
        ( set -e; "step_$1" ) >>"$W/log.$1" 2>&1
        rc=$?
        echo "STEP $1 $rc"
}

step_make() {
        mkdir -p "$W/proj/src"
        cat >"$W/proj/src/greet.c" <<'EOF'
#include <stdio.h>
#include "greet.h"
void greet(const char *who) { printf("hello, %s\n", who); }
EOF
        cat >"$W/proj/src/greet.h" <<'EOF'
void greet(const char *who);
EOF
        cat >"$W/proj/src/main.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
#include "greet.h"
int main(int argc, char **argv) { char *s = strdup(argc > 1 ? argv[1] : "world"); greet(s); free(s); return 0; }
EOF
        printf '%s\n' \
                'CFLAGS ?= -O2 -Wall' \
                'OBJS = src/main.o src/greet.o' \
                'hello: $(OBJS)' \
                '	$(CC) $(CFLAGS) -o $@ $(OBJS)' \
                'src/%.o: src/%.c src/greet.h' \
                '	$(CC) $(CFLAGS) -c -o $@ $<' \
                'clean:' \
                '	rm -f hello $(OBJS)' \
                '.PHONY: clean' >"$W/proj/Makefile"
        make -C "$W/proj" -j2
        "$W/proj/hello" tracee | grep -q 'hello, tracee'
        make -C "$W/proj" clean
        make -C "$W/proj" CFLAGS='-O0 -g'
}

step_shell() {
        bash -c '
                set -e
                cd "$1"
                (echo banana; echo apple; echo cherry) | sort | uniq > fruits.txt
                { cat fruits.txt; echo date; } 2>&1 | wc -l > count.txt
                test "$(cat count.txt)" -eq 4
                exec 3>fd3.txt; echo via-fd3 >&3; exec 3>&-
                while read -r line; do echo "${#line}"; done < fruits.txt > lengths.txt
                diff <(sort fruits.txt) fruits.txt
                n=$( (ls | wc -l) 2>/dev/null )
                cat <<EOF > heredoc.txt
files: $n
EOF
                for i in 1 2 3; do echo "$i"; done | tr 1 9 >> lengths.txt
                ls /nonexistent 2>/dev/null || true
                echo to-stderr 1>&2 2>/dev/null
                sh -c "echo nested | cat -n" | sed "s/nested/done/" > nested.txt
                grep -q done nested.txt
        ' bash "$W"
}

step_python() {
        python3 -c '
import hashlib, json, os, subprocess, sys, threading, urllib.request, http.server, socketserver
d = sys.argv[1]
with open(os.path.join(d, "data.json"), "w") as f:
    json.dump({"k": [1, 2, 3]}, f)
h = hashlib.sha256(open(os.path.join(d, "data.json"), "rb").read()).hexdigest()
out = subprocess.run(["ls", "-l", d], capture_output=True, text=True, check=True).stdout
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"pong")
    def log_message(self, *a): pass
srv = socketserver.TCPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
body = urllib.request.urlopen("http://127.0.0.1:%d/" % srv.server_address[1], timeout=10).read()
srv.shutdown()
assert body == b"pong" and len(h) == 64 and out
' "$W"
}

step_perl() {
        perl -e '
                my $d = shift;
                open(my $fh, ">", "$d/perl.txt") or die; print $fh "line $_\n" for 1..50; close $fh;
                open($fh, "<", "$d/perl.txt") or die; my $n = grep { /line \d+/ } <$fh>; close $fh;
                die "count" unless $n == 50;
                my $s = `echo backticks`; die unless $s =~ /backticks/;
                system("true") == 0 or die;
        ' "$W"
}

step_tar() {
        mkdir -p "$W/tree/a/b"
        for i in $(seq 1 20); do head -c 4096 /dev/urandom > "$W/tree/a/b/f$i"; done
        tar -C "$W" -czf "$W/tree.tar.gz" tree
        mkdir -p "$W/untar" && tar -C "$W/untar" -xzf "$W/tree.tar.gz"
        diff -r "$W/tree" "$W/untar/tree"
        gzip -k "$W/tree/a/b/f1" && gunzip -c "$W/tree/a/b/f1.gz" | cmp - "$W/tree/a/b/f1"
        tar -C "$W" -cf - tree | gzip -9 > "$W/tree2.tgz"
}

step_apt() {
        apt-cache policy bash | grep -q 'Installed'
}

step_sshkeygen() {
        ssh-keygen -q -t ed25519 -N "" -C tracee-benign -f "$W/key"
        ssh-keygen -l -f "$W/key.pub"
}

step_git() {
        mkdir -p "$W/repo" && cd "$W/repo"
        git init -q .
        echo one > file && git add file
        git -c user.name=t -c user.email=t@example.invalid commit -q -m one
        git log --oneline | grep -q one
        git status --porcelain
}

step_coreutils() {
        find "$W" -type f -name '*.txt' -print0 | xargs -0 sha256sum > "$W/sums"
        awk '{ n++ } END { exit n == 0 }' "$W/sums"
        sort -r "$W/sums" | head -n 3 | cut -c1-16 > /dev/null
        sed -n '1p' "$W/sums" > /dev/null
        cp -r "$W/tree" "$W/tree-copy" && rm -rf "$W/tree-copy"
        env | grep -c . > /dev/null
}

for s in "$@"; do step "$s"; done
'''

# step -> tools it needs (all of them must be on PATH)
STEPS = [
    ("make", ["make", "gcc", "cc"]),
    ("shell", ["bash", "sort", "sed"]),
    ("python", ["python3"]),
    ("perl", ["perl"]),
    ("tar", ["tar", "gzip", "gunzip"]),
    ("apt", ["apt-cache"]),
    ("sshkeygen", ["ssh-keygen"]),
    ("git", ["git"]),
    ("coreutils", ["find", "xargs", "sha256sum", "awk"]),
]


def under(path, d):
    return bool(path) and (path == d or path.startswith(d.rstrip("/") + "/"))


def trigger_names():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "triggers", "triggers.txt")) as f:
        return {l.strip() for l in f if l.strip() and not l.startswith("#")}


def is_trigger(path, trig_dir, names):
    return under(path, trig_dir) or (bool(path) and os.path.basename(os.path.dirname(path)) == "tests"
                                     and os.path.basename(path) in names)


def main():
    require_root_bpf()
    c = Checks()
    start = time.time()
    trig_dir = os.path.realpath(TRIGGERS)
    names = trigger_names()
    steps = []
    for name, tools in STEPS:
        missing = [t for t in tools if not shutil.which(t)]
        if missing:
            print(f"note: step {name} skipped: {', '.join(missing)} not installed")
        else:
            steps.append(name)

    work = tempfile.mkdtemp(prefix="tracee-benign-")
    script = os.path.join(work, "workload.sh")
    with open(script, "w") as f:
        f.write(SCRIPT)

    t = Tracee("--output", "json")
    t.start()
    control = None
    try:
        w = subprocess.Popen(["bash", script, work] + steps, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, cwd=work)
        root = w.pid
        try:
            out, _ = w.communicate(timeout=45)
        except subprocess.TimeoutExpired:
            w.kill()
            out, _ = w.communicate()
        out = out.decode(errors="replace")
        print(f"workload root: bash pid {root}, exit {w.returncode}, {time.time() - start:.1f} s")
        results = dict(re.findall(r"^STEP (\S+) (\d+)$", out, re.M))
        for s in steps:
            ok = results.get(s) == "0"
            detail = ""
            if not ok:
                try:
                    with open(os.path.join(work, f"log.{s}")) as f:
                        detail = "\n" + f.read()[-2000:]
                except OSError:
                    pass
            c.check(f"workload step {s} ran", ok, f"(status {results.get(s)}){detail}")
        t.settle(1.0)

        # control: the agent was watching all along
        p = subprocess.run([trigger("trc2_traceme")], stdin=subprocess.DEVNULL, capture_output=True, timeout=15)
        control = int(p.stdout.split()[0]) if p.stdout.strip() else None
        got = t.wait_for(lambda o: o["process"]["pid"] == control and o["rule"]["id"] == "TRC-2", 5.0) \
            if control else []
        c.check("control: the agent reports the PTRACE_TRACEME trigger run after the workload", len(got) == 1,
                f"(control pid {control}, findings {got})")
    finally:
        rc = t.stop()
        shutil.rmtree(work, ignore_errors=True)

    counted, ignored = [], []
    for f in t.json():
        p = f["process"]
        anc = p.get("ancestors", [])
        line = (f"{f['rule']['id']} pid={p['pid']} comm={p['comm']} exe={p['executable']} "
                f"summary={f.get('summary')!r} data={f['data']} ancestors="
                + " < ".join(f"{a['pid']}:{a['comm']}" for a in anc))
        if p["pid"] == control or is_trigger(p.get("executable"), trig_dir, names) or \
                any(is_trigger(a.get("executable"), trig_dir, names) for a in anc):
            ignored.append("trigger program: " + line)
        elif p["pid"] != root and all(a["pid"] != root for a in anc) and anc and anc[-1]["pid"] <= 1:
            ignored.append("outside the workload's process tree: " + line)
        else:
            counted.append(line)
    for l in ignored:
        print("ignored finding, " + l)
    for l in counted:
        print("FINDING from the workload: " + l)
    c.check("benign workload: no finding", not counted, f"({len(counted)} findings, listed above)")
    c.check("agent exits 0 on SIGINT", rc == 0, f"(exit {rc}; stderr: {t.err})")
    c.check("agent reports no malformed events", "malformed" not in t.err, f"(stderr: {t.err})")
    m = re.search(r"(\d+) events", t.err)
    c.check("agent saw the workload's events", m is not None and int(m.group(1)) > 100, f"(stderr: {t.err})")
    print(f"agent: {t.err.strip().splitlines()[-1] if t.err.strip() else ''}")
    print(f"took {time.time() - start:.1f} s")
    c.done()


if __name__ == "__main__":
    main()
