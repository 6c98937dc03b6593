"""Every shell command in the operational docs runs, as printed, against a local AWS mock.

Run with `make runbooks-check` (installs moto and the AWS CLI v1, plans prod
for the resource names, then runs this file). For each doc below:

  1. a fresh moto server state is seeded with what `terraform plan` creates
     (seed.py), so a command naming a resource Terraform does not create fails;
  2. every ```sh block (after the runbook setup block, for docs that link to it)
     runs in one bash process with `set -euo pipefail`, pipes and xargs included;
  3. the test fails if bash fails, if any `aws` call fails (a wrapper records
     every call, so a rejected call inside `$(...)` or `xargs` is caught too), or
     if an `aws SERVICE OPERATION` printed in the doc was never called (a pipeline
     that passed nothing along proves nothing).

Docs may not hide commands where this test cannot see them: an inline `aws …`,
`terraform …` or `curl …` code span outside a block, a `<placeholder>` or a `…`
in a command fails the lint test. A command the mock cannot serve is listed in
SKIP with the reason; AWS CLI v2-only commands end with `# CLI v2` and have
their options checked against V2_ONLY.
"""

import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from seed import seed

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs/runbooks").glob("*.md")) + [
    ROOT / "docs" / name
    for name in ("troubleshooting.md", "data-management.md", "break-glass.md", "incident-response.md", "match-day-checklist.md")
]
SETUP_DOC = ROOT / "docs/runbooks/README.md"
SETUP_LINK = "#setup-used-by-every-runbook"

# Commands the mock cannot serve: a distinctive start of the command -> why.
SKIP = {
    "aws ecs execute-command": "needs the Session Manager plugin and a live task (moto has no ExecuteCommand)",
    "aws ecs wait services-stable": "moto never starts a service's tasks, so the service never becomes stable",
    "aws application-autoscaling describe-scaling-activities": "not implemented in moto 5.2.5 (answers HTTP 500)",
    "aws synthetics start-canary": "not implemented in moto 5.2.5",
    "curl ": "reaches the public site over the internet",
    "terraform -chdir=terraform": "needs the environment's real Terraform state (S3 backend) and AWS credentials",
    "for r in $OLD_REPLICAS; do aws rds delete-db-instance": "moto 5.2.5 looks a replica's source up by its name before the rename and fails the delete",
    "gh workflow run": "starts the deploy workflow on GitHub (GitHub CLI; the mock serves AWS only)",
    "gh run list": "lists the deploy workflow's runs on GitHub (GitHub CLI; the mock serves AWS only)",
    "aws elasticache describe-events": "not implemented in moto 5.2.5",
    "aws elasticache test-failover": "not implemented in moto 5.2.5",
    "aws health describe-events": "AWS Health is not in moto 5.2.5 (its API also needs a Business or Enterprise support plan)",
}

# Operations a doc prints that a seeded mock cannot reach: (doc, "service operation") -> why.
NOT_REACHED = {
    ("api-unhealthy-hosts.md", "ecs stop-task"): "moto reports every registered target healthy, so the pipeline finds no task to stop",
    ("az-loss.md", "ecs stop-task"): "moto's Fargate tasks have no availabilityZone, so the pipeline finds no task in the lost AZ",
    ("spot-reclaim.md", "ecs stop-task"): "moto's tasks have no capacity provider, so the pipeline finds no FARGATE_SPOT task to stop",
}

# AWS CLI v2-only commands: the command, and the options its v2 reference lists
# (checked by hand against docs.aws.amazon.com/cli/latest/reference/logs/tail.html, 2026-12-04).
V2_ONLY = {
    "aws logs tail": {"--since", "--follow", "--format", "--filter-pattern", "--log-stream-names", "--log-stream-name-prefix"},
}

# Tools besides the AWS CLI that the docs run on the engineer's machine (PyPI,
# pinned in the Makefile's tools-runbooks): ElastiCache IAM tokens for
# break-glass Valkey sessions (AWS's Developer Toolkit for ElastiCache).
LOCAL_TOOLS = ("developer-toolkit-elasticache",)

# The parts of every runbook, in order (docs/runbooks/README.md).
RUNBOOK_SECTIONS = ["Meaning", "Impact", "Diagnosis", "Mitigation", "Is it fixed?", "Rollback"]

AWS_OP = re.compile(r"\baws ([a-z0-9-]+) ([a-z0-9-]+)")
PLACEHOLDER = re.compile(r"<[a-z][a-z0-9 _-]*>|…")
INLINE_COMMAND = re.compile(r"`((?:aws|terraform|curl|mysql|valkey-cli) [^`]*(?: -|\$)[^`]*)`")
FENCE = re.compile(r"^```(\w*)\s*$")

TOTALS = []  # (doc, commands run, skipped) for the summary in conftest.py

WRAPPER = """#!/usr/bin/env bash
# Runbook test: every aws call goes to the mock and is recorded.
printf '%s\\n' "$*" >>"$RUNBOOK_CALLS"
"$RUNBOOK_AWS" --endpoint-url "$AWS_ENDPOINT_URL" "$@"
rc=$?
[ "$rc" = 0 ] || printf 'exit %s: aws %s\\n' "$rc" "$*" >>"$RUNBOOK_FAILURES"
exit "$rc"
"""


def blocks(doc):
    """(line number, kind, text) of every fenced block, and the prose outside them."""
    out, prose, kind, start, body = [], [], None, 0, []
    for n, line in enumerate(doc.read_text().splitlines(), 1):
        m = FENCE.match(line.strip())
        if m and kind is None:
            kind, start, body = m.group(1) or "text", n + 1, []
        elif line.strip() == "```" and kind is not None:
            out.append((start, kind, "\n".join(body)))
            kind = None
        elif kind is not None:
            body.append(line)
        else:
            prose.append((n, line))
    return out, prose


def commands(start, text):
    """Split a sh block into complete commands: (first line number, command)."""
    out, acc, first = [], [], start
    for offset, line in enumerate(text.splitlines()):
        if not acc:
            if not line.strip() or line.strip().startswith("#"):
                continue
            first = start + offset
        acc.append(line)
        joined = "\n".join(acc)
        if line.rstrip().endswith("\\"):
            continue
        # A <placeholder> is a syntax error to bash; the lint test reports it by name.
        if subprocess.run(["bash", "-n", "-c", PLACEHOLDER.sub("X", joined)], capture_output=True).returncode == 0:
            out.append((first, joined))
            acc = []
    assert not acc, f"line {first}: incomplete command: {chr(10).join(acc)}"
    return out


def setup_commands():
    """The first sh block under the runbook README's setup heading."""
    text = SETUP_DOC.read_text()
    heading = next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("## Setup used by every runbook"))
    start, _, block = next(b for b in blocks(SETUP_DOC)[0] if b[0] > heading and b[1] == "sh")
    return [(SETUP_DOC, n, c) for n, c in commands(start, block)]


def doc_commands(doc):
    """Commands of a doc, the runbook setup first when the doc links to it."""
    cmds = setup_commands() if doc != SETUP_DOC and SETUP_LINK in doc.read_text() else []
    return cmds + [(doc, n, c) for start, kind, text in blocks(doc)[0] if kind == "sh" for n, c in commands(start, text)]


def skip_reason(cmd):
    body = strip_comments(cmd)
    for prefix, reason in SKIP.items():
        if re.search(r"(^|[\s;|&(])" + re.escape(prefix), body):
            return reason
    if cmd.lstrip().split("\n")[0].rstrip().endswith("# CLI v2"):
        return "AWS CLI v2 only (options checked against its v2 reference by the lint test)"
    return None


def strip_comments(cmd):
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in cmd.splitlines())


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    """A moto server on 127.0.0.1 (ephemeral port), stopped by PID at the end."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([os.environ["RUNBOOK_MOTO"], "-H", "127.0.0.1", "-p", "0"], stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            found = re.search(r"Running on http://127\.0\.0\.1:(\d+)", log.read_text())
            if found:
                break
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
        else:
            pytest.fail("moto did not start: " + log.read_text())
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def plan():
    return json.loads(Path(os.environ["RUNBOOK_PLAN"]).read_text())


def paragraphs(prose):
    """(first line number, text) of each prose paragraph, its lines joined by spaces,
    so a code span wrapped over two lines is still one span."""
    out, acc, first = [], [], 0
    for n, line in prose + [(0, "")]:
        if line.strip():
            if not acc:
                first = n
            acc.append(line.strip())
        elif acc:
            out.append((first, " ".join(acc)))
            acc = []
    return out


def lint(doc):
    """Problems that hide a command from this test: inline commands, placeholders, unmarked v2 commands."""
    found, prose = blocks(doc)
    problems = [f"{doc.name}:{n}: inline command, put it in a ```sh block: {m}" for n, text in paragraphs(prose) for m in INLINE_COMMAND.findall(text)]
    for start, kind, text in found:
        if kind != "sh":
            continue
        for n, cmd in commands(start, text):
            for p in PLACEHOLDER.findall(strip_comments(cmd)):
                problems.append(f"{doc.name}:{n}: placeholder {p!r}: replace it with a command that finds the value")
            for v2, options in V2_ONLY.items():
                if cmd.lstrip().startswith(v2):
                    if not cmd.rstrip().split("\n")[0].endswith("# CLI v2"):
                        problems.append(f"{doc.name}:{n}: {v2} is AWS CLI v2 only: end the line with '# CLI v2'")
                    for opt in re.findall(r"\s(--[a-z-]+)", strip_comments(cmd)):
                        if opt not in options:
                            problems.append(f"{doc.name}:{n}: {v2} has no option {opt} in AWS CLI v2")
    return problems


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: str(d.relative_to(ROOT)))
def test_doc_has_no_hidden_commands(doc):
    """Commands live in ```sh blocks, complete, with no placeholders left."""
    problems = lint(doc)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("doc", [d for d in DOCS if d.parent.name == "runbooks" and d != SETUP_DOC], ids=lambda d: d.name)
def test_runbook_has_every_part(doc):
    """Meaning, Impact, Diagnosis, Mitigation, Is it fixed? and Rollback, in that order."""
    headings = [line[3:].strip() for line in doc.read_text().splitlines() if line.startswith("## ")]
    assert [h for h in headings if h in RUNBOOK_SECTIONS] == RUNBOOK_SECTIONS, f"{doc.name}: sections {headings}"


def test_lint_finds_each_kind_of_hidden_command(tmp_path):
    doc = tmp_path / "bad.md"
    doc.write_text(
        "Publish it with `aws cloudwatch put-metric-data\n--namespace X --value 1` by hand.\n\n"
        "Roll back with `aws ecs update-service --cluster $NAME --service api`.\n\n"
        "```sh\naws ecs stop-task --cluster $NAME --task <id>\n"
        "aws logs tail /ecs/x --since 5m\n"
        "aws logs tail /ecs/x --start-time 5   # CLI v2\n```\n"
    )
    problems = "\n".join(lint(doc))
    assert "bad.md:1: inline command" in problems and "bad.md:4: inline command" in problems
    assert "placeholder '<id>'" in problems
    assert "end the line with '# CLI v2'" in problems and "no option --start-time" in problems


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: str(d.relative_to(ROOT)))
def test_doc_commands_run_against_the_mock(doc, moto, plan, tmp_path):
    urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/reset", method="POST")).read()
    # ECS tasks stay RUNNING (moto otherwise moves them towards STOPPED on every DescribeTasks).
    keep_running = {"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1000}}
    urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/state-manager/set-transition", method="POST",
                                                  data=json.dumps(keep_running).encode())).read()
    seed(plan, moto)

    cmds = doc_commands(doc)
    script = ["set -euo pipefail", 'trap \'echo "FAILED: $AT" >&2\' ERR']
    expected_ops, ran, skipped = set(), 0, []
    for path, n, cmd in cmds:
        where = f"{path.relative_to(ROOT)}:{n}"
        reason = skip_reason(cmd)
        if reason:
            if path == doc:
                skipped.append(f"{where}: {reason}")
            continue
        ran += path == doc  # the setup block is counted once, under README.md
        if path == doc:
            expected_ops |= set(AWS_OP.findall(strip_comments(cmd)))
        script += [f"AT={json.dumps(where)}", cmd]

    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "aws").write_text(WRAPPER)
    (bindir / "aws").chmod(0o755)
    # The other command-line tools the docs tell the engineer to install, from
    # the same virtualenv as the AWS CLI (Makefile, tools-runbooks).
    for tool in LOCAL_TOOLS:
        (bindir / tool).symlink_to(Path(os.environ["RUNBOOK_AWS"]).parent / tool)
    calls, failures = tmp_path / "calls", tmp_path / "failures"
    calls.touch()
    failures.touch()
    env = {
        "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_PAGER": "",
        "RUNBOOK_AWS": os.environ["RUNBOOK_AWS"],
        "RUNBOOK_CALLS": str(calls),
        "RUNBOOK_FAILURES": str(failures),
    }
    result = subprocess.run(["bash", "-c", "\n".join(script)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900,
                            input="123456\n" * 20)  # what a human types at `read -p` (an MFA code, a token)

    called = {tuple(line.split()[:2]) for line in calls.read_text().splitlines() if len(line.split()) >= 2}
    report = f"{doc.name}: {ran} commands run, {len(skipped)} skipped\n" + "\n".join("  skipped " + s for s in skipped)
    TOTALS.append((doc, ran, skipped))
    assert result.returncode == 0, f"{report}\n--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    assert not failures.read_text(), f"aws calls the mock rejected:\n{failures.read_text()}\n--- stderr\n{result.stderr[-4000:]}"
    for (name, op), reason in NOT_REACHED.items():
        if name == doc.name:
            skipped.append(f"{doc.relative_to(ROOT)}: {op} not reached: {reason}")
            expected_ops.discard(tuple(op.split()))
    never = sorted(" ".join(op) for op in expected_ops - called)
    assert not never, f"printed in {doc.name} but never called (empty pipeline?): {never}"
