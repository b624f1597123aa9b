"""`make fuzz-api`: schemathesis against the real plugin, as every role, bounded in time.

    python run.py --schemathesis <venv>/bin/schemathesis --apiserve <test/conformance/bin/apiserve> --out <dir>

Starts apiserve (the real plugin under Mattermost's plugin host, on loopback, with seeded rules), runs schemathesis
once over every operation of server/openapi.json with the hooks of tripwire_hooks.py (each request as one of the
roles; the check that every error is JSON with a code), then checks that each operation was tried as each role.
Exit status 0 only if schemathesis found nothing, every (operation, role) pair was tried and no token it sent
reached the log (the host's, with the plugin's stderr, and the plugin's Log* calls); the last line printed
is a one-line summary. Reports and logs go to --out (junit.xml, schemathesis.log, apiserve.log, seen.jsonl).
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CHECKS = "not_a_server_error,error_is_json_with_code,response_schema_conformance"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--schemathesis", required=True)
    p.add_argument("--apiserve", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--schema", default=os.path.join(ROOT, "server", "openapi.json"))
    p.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", "25")))
    p.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")))
    # The whole target must stay under 5 minutes in CI: builds are cached, the plugin starts in seconds.
    p.add_argument("--budget", type=float, default=float(os.environ.get("FUZZ_BUDGET_SECONDS", "210")))
    a = p.parse_args()
    a.out = os.path.abspath(a.out)
    started = time.monotonic()
    os.makedirs(a.out, exist_ok=True)
    for name in ("junit.xml", "seen.jsonl", "schemathesis.log"):
        if os.path.exists(os.path.join(a.out, name)):
            os.remove(os.path.join(a.out, name))

    server = subprocess.Popen(
        [a.apiserve, "-for", f"{int(a.budget) + 60}s", "-log", os.path.join(a.out, "apiserve.log")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        line = server.stdout.readline()  # apiserve gives up by itself if the plugin does not start
        if not line:
            return finish(started, 1, "apiserve did not start (see its messages above)")
        info = json.loads(line)
        with open(os.path.join(a.out, "apiserve.json"), "w", encoding="utf-8") as f:
            f.write(line)
        env = {
            **os.environ,
            "PYTHONPATH": HERE,
            "PYTHONDONTWRITEBYTECODE": "1",
            "SCHEMATHESIS_HOOKS": "tripwire_hooks",
            "TRIPWIRE_FUZZ_IDS": json.dumps(info["ids"]),
            "TRIPWIRE_FUZZ_TOKENS": json.dumps(info["tokens"]),
            "TRIPWIRE_FUZZ_SEEN": os.path.join(a.out, "seen.jsonl"),
        }
        cmd = [
            a.schemathesis, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run", a.schema,
            "--url", info["url"],
            "--checks", CHECKS,
            "--phases", "examples,coverage,fuzzing",
            "--max-examples", str(a.max_examples),
            "--seed", str(a.seed),
            "--generation-database", "none",
            "--continue-on-failure",  # every distinct failure of an operation, not only its first
            "--no-shrink",  # the role is drawn per call: shrinking would change who sent the failing request
            # One worker: schemathesis describes its strategies with ast.parse, which CPython 3.11/3.12 can trip
            # over when two threads parse at once ("AST constructor recursion depth mismatch").
            "--workers", "1",
            "--request-timeout", "10",
            "--suppress-health-check", "all",
            "--warnings", "off",
            "--no-color",
            "--report", "junit", "--report-junit-path", os.path.join(a.out, "junit.xml"),
        ]
        remaining = a.budget - (time.monotonic() - started)
        with open(os.path.join(a.out, "schemathesis.log"), "w", encoding="utf-8") as log:
            try:
                rc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=remaining, cwd=a.out).returncode
                timed_out = False
            except subprocess.TimeoutExpired:
                rc, timed_out = 1, True
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    failures = junit_failures(os.path.join(a.out, "junit.xml"))
    for op, message in failures:
        print(f"FAIL {op}\n{indent(named_ids(message, info))}")
    for cause in server_errors(os.path.join(a.out, "apiserve.log"), info):
        print(f"5xx CAUSE (plugin log) {cause}")
    leaks = leaked_tokens(os.path.join(a.out, "apiserve.log"), info)
    for name, line in leaks:
        print(f"TOKEN IN LOG {name}: {named_ids(line, info)[:300]}")
    missing, requests, fivexx = coverage(os.path.join(a.out, "seen.jsonl"), a.schema, sorted(info["tokens"]) + ["anonymous"])
    for op, roles in missing:
        print(f"NOT TRIED {op} as {', '.join(roles)}")
    problems = []
    if timed_out:
        problems.append(f"schemathesis ran out of its {a.budget:.0f}s budget")
    if rc != 0 and not failures and not timed_out:
        problems.append(f"schemathesis exited {rc} (see {a.out}/schemathesis.log)")
    if failures:
        problems.append(f"{len(failures)} failing operation(s)")
    if leaks:
        problems.append(f"{len(leaks)} secret token(s) written to the log")
    if missing:
        problems.append(f"{len(missing)} operation(s) not tried as every role")
    summary = (f"{requests} requests over {count_operations(a.schema)} operations as {len(info['tokens']) + 1} roles, "
               f"{fivexx} answered 5xx, seed {a.seed}")
    return finish(started, 1 if problems else 0, "; ".join(problems) or "no failure", summary, a.out)


def finish(started, code, verdict, summary="", out=""):
    took = time.monotonic() - started
    where = f" (reports: {os.path.relpath(out, ROOT)})" if code and out else ""
    print(f"fuzz-api: {'FAIL' if code else 'PASS'}: {verdict}{'; ' + summary if summary else ''}; {took:.0f}s{where}")
    return code


def named_ids(text, info):
    """Seeded ids and tokens differ per run: name them ({orphanInboundToken}) so a report reads the same each time."""
    for name, value in sorted(info["ids"].items(), key=lambda kv: -len(kv[1])):
        if len(value) >= 20:
            text = text.replace(value, "{" + name + "}")
    return text


def server_errors(log_path, info):
    """The distinct failures the plugin logged for requests it answered 500 (method, path, first line of the error)."""
    if not os.path.exists(log_path):
        return []
    seen = []
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "HTTP request failed" not in line:
                continue
            cause = named_ids(line.split("HTTP request failed", 1)[1].strip(), info)
            cause = cause.split("\\n", 1)[0].split("    at ", 1)[0].strip()
            cause = re.sub(r"(?<![a-z0-9])[a-z0-9]{26}(?![a-z0-9])", "<id>", cause)  # one line per kind of failure, not per user
            if cause not in seen:
                seen.append(cause)
    return seen


def leaked_tokens(log_path, info):
    """Inbound URL and response_url tokens and session tokens must never reach a log line (issue 13: tokens in paths
    and query strings are redacted). The fuzzer sends them in paths on every route; the log is the host's (with the
    plugin's stderr) and the plugin's Log* calls. One (name, first line) per token found."""
    if not os.path.exists(log_path):
        return []
    secrets = {name: v for name, v in info["ids"].items() if name.endswith("Token") and v}
    secrets.update({f"session token of {role}": t for role, t in info["tokens"].items()})
    with open(log_path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    out = []
    for name, value in secrets.items():
        hit = next((line for line in lines if value in line), None)
        if hit is not None:
            out.append((name, hit.strip()))
    return out


def junit_failures(path):
    """(operation, message) for each failing test case in schemathesis' JUnit report."""
    if not os.path.exists(path):
        return []
    out = []
    for case in ET.parse(path).getroot().iter("testcase"):
        for f in list(case.iter("failure")) + list(case.iter("error")):
            out.append((case.get("name", "?"), (f.get("message") or "") + "\n" + (f.text or "")))
    return out


def coverage(seen_path, schema_path, roles):
    """Operations not tried as every role, the number of requests and of 5xx answers."""
    tried = collections.defaultdict(set)
    requests = fivexx = 0
    if os.path.exists(seen_path):
        with open(seen_path, encoding="utf-8") as f:
            for line in f:
                op, role, status = json.loads(line)
                tried[op].add(role)
                requests += 1
                fivexx += status >= 500
    missing = []
    for op in operations(schema_path):
        lacking = [r for r in roles if r not in tried.get(op, set())]
        if lacking:
            missing.append((op, lacking))
    return missing, requests, fivexx


def operations(schema_path):
    with open(schema_path, encoding="utf-8") as f:
        doc = json.load(f)
    return [f"{m.upper()} {path}" for path, methods in doc["paths"].items() for m in methods]


def count_operations(schema_path):
    return len(operations(schema_path))


def indent(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return "\n".join("    " + l for l in lines[:40])


if __name__ == "__main__":
    sys.exit(main())
