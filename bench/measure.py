#!/usr/bin/env python3
"""Time a command and read its peak memory; print the benchmark table. Used by run.sh.

    measure.py run [--runs 5] [--warmup 1] [--timeout S] [--clean DIR] [--prepare SH] -- CMD ARG...
        Runs CMD --runs times with stdout to /dev/null (the first --warmup runs are
        discarded) and prints "MEDIAN_SECONDS PEAK_KIB" on one line. Exit 1, with the
        command's stderr, if any run fails or times out. --clean DIR removes DIR before
        each run, untimed (so `retort sql` writes its output folder from scratch every
        time instead of finding it up to date). --prepare SH runs the shell command SH
        before each run, untimed (to put an output folder back as it was).
    measure.py instructions -- CMD ARG...
        Runs CMD once under valgrind's callgrind and prints the instructions it executed:
        a figure that repeats exactly from run to run, whatever the machine's load.

    measure.py report RESULTS.TSV [--runs R] [--alembic-runs R] [--seed S]
        Prints the table from lines "tool<TAB>command<TAB>N<TAB>seconds<TAB>kib"
        (seconds "FAIL" for a failed measurement, "SKIP" for one not taken).

Why not /usr/bin/time -f '%e %M': `%e` has 10 ms resolution, too coarse for the
1,000-revision runs. Here the wall time comes from time.perf_counter() around the child
and the peak RSS from os.wait4() on that child: the kernel's ru_maxrss for that one
process, which is exactly what GNU time's %M reports. Where os.wait4 does not exist,
resource.getrusage(RUSAGE_CHILDREN) gives the high-water mark over all children so far,
an upper bound that is still right for a series of runs of one command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def run_once(cmd: list[str], timeout: float, errfile) -> tuple[float, int, int]:
    """Returns (seconds, peak KiB, exit status); status 124 on timeout."""
    errfile.seek(0)
    errfile.truncate()
    with open(os.devnull, "wb") as devnull:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=devnull, stderr=errfile,
                                start_new_session=True)
        # A timer kills a hung child; the blocking wait keeps the timing exact.
        timed_out = []

        def kill() -> None:
            timed_out.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            if hasattr(os, "wait4"):
                _, status, ru = os.wait4(proc.pid, 0)
                elapsed = time.perf_counter() - t0
                proc.returncode = os.waitstatus_to_exitcode(status)
                peak = int(ru.ru_maxrss)
            else:
                import resource

                proc.wait()
                elapsed = time.perf_counter() - t0
                peak = int(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        finally:
            timer.cancel()
        if timed_out:
            return timeout, 0, 124
        return elapsed, peak, proc.returncode


def cmd_run(args: argparse.Namespace) -> int:
    cmd = args.cmd
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        print("measure.py run: no command", file=sys.stderr)
        return 2
    times: list[float] = []
    peaks: list[int] = []
    with tempfile.TemporaryFile() as err:
        for i in range(args.runs):
            if args.clean:
                shutil.rmtree(args.clean, ignore_errors=True)
            if args.prepare:
                subprocess.run(["sh", "-c", args.prepare], check=True)
            secs, kib, rc = run_once(cmd, args.timeout, err)
            if rc != 0:
                err.seek(0)
                tail = err.read()[-4000:].decode("utf-8", "replace")
                why = f"timed out after {args.timeout:g} s" if rc == 124 else f"exit status {rc}"
                print(f"measure.py: {' '.join(cmd)}: {why} (run {i + 1})\n{tail}", file=sys.stderr)
                return 1
            if i >= args.warmup:
                times.append(secs)
                peaks.append(kib)
    if not times:  # every run was a warm-up
        times, peaks = [secs], [kib]
    print(f"{statistics.median(times):.4f} {max(peaks)}")
    return 0


# --------------------------------------------------------------------------- report


def fmt_time(s: str) -> str:
    if s in ("FAIL", "SKIP"):
        return s.lower() if s == "SKIP" else s
    v = float(s)
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"


def fmt_mem(kib: str) -> str:
    try:
        return f"{int(kib) / 1024:.0f} MiB"
    except ValueError:
        return ""


def cmd_report(args: argparse.Namespace) -> int:
    rows: list[tuple[str, str, int, str, str]] = []
    with open(args.results, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                rows.append((parts[0], parts[1], int(parts[2]), parts[3], parts[4]))
    sizes = sorted({r[2] for r in rows})
    order: list[tuple[str, str]] = []
    res: dict[tuple[str, str, int], tuple[str, str]] = {}
    for tool, command, n, secs, kib in rows:
        if (tool, command) not in order:
            order.append((tool, command))
        res[(tool, command, n)] = (secs, kib)

    def secs(tool: str, command: str, n: int) -> float | None:
        v = res.get((tool, command, n), ("SKIP", ""))[0]
        try:
            return float(v)
        except ValueError:
            return None

    label_w = max([len(f"{t} {c}") for t, c in order] + [10])
    head = f"{'command':<{label_w}}"
    for n in sizes:
        head += f"  {('N=' + format(n, ',')):>20}"
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        head += f"  {f'{hi // 1000}k/{lo // 1000}k' if lo >= 1000 else f'{hi}/{lo}':>8}"
    print(
        f"Median wall time of {args.runs - 1} runs (Alembic: {args.alembic_runs - 1}) after one "
        f"discarded warm-up, and peak RSS; seed {args.seed}."
    )
    print(head)
    print("-" * len(head))
    for tool, command in order:
        line = f"{tool + ' ' + command:<{label_w}}"
        for n in sizes:
            s, k = res.get((tool, command, n), ("SKIP", ""))
            cell = fmt_time(s) + (f" {fmt_mem(k):>8}" if fmt_mem(k) else "")
            line += f"  {cell:>20}"
        if len(sizes) >= 2:
            a, b = secs(tool, command, sizes[0]), secs(tool, command, sizes[-1])
            line += f"  {(f'{b / a:.1f}' if a and b else '-'):>8}"
        print(line)
    if len(sizes) >= 2:
        print(f"(linear cost gives a ratio of about {sizes[-1] / sizes[0]:g})")

    pairs = [("upgrade base:head --sql", "upgrade base:head --sql"),
             ("downgrade head:base --sql", "downgrade head:base --sql")]
    lines = []
    for rc, ac in pairs:
        for n in sizes:
            r, a = secs("retort", rc, n), secs("alembic", ac, n)
            if r and a:
                lines.append(f"  {rc.split()[0]:<9} N={n:<6,}  Retort {fmt_time(str(r)):>8}  "
                             f"Alembic {fmt_time(str(a)):>8}  Retort/Alembic {r / a:.3f}  "
                             f"(Alembic {a / r:.0f}x slower)")
    if lines:
        print("\nSame history, same run:")
        print("\n".join(lines))

    baseline = []
    for command in ("upgrade base:head --sql", "check (compile only)", "lint"):
        for n in sizes:
            r, b = secs("retort", command, n), secs("baseline", command, n)
            if r and b:
                baseline.append(f"  {command:<24} N={n:<6,}  this build {fmt_time(str(r)):>8}  "
                                f"baseline {fmt_time(str(b)):>8}  ratio {r / b:.3f}")
    if baseline:
        print("\nAgainst the baseline build (RETORT_BASELINE_BIN), same history, same run:")
        print("\n".join(baseline))

    # The targets of the performance issue, as same-run ratios at the largest size.
    n = sizes[-1] if sizes else 0
    up = secs("retort", "upgrade base:head --sql", n)
    if up:
        print(f"\nTargets at N={n:,}, ratios within this one run:")

        def target(label: str, value: float | None, limit: float, unit: str = "x") -> None:
            if value is None:
                print(f"  {label:<52} not measured")
                return
            print(f"  {label:<52} {value:7.2f}{unit}  (target {'>=' if unit == 'x Alembic' else '<='} {limit:g})  "
                  f"{'met' if (value >= limit if unit == 'x Alembic' else value <= limit) else 'MISSED'}")

        alembic = secs("alembic", "upgrade base:head --sql", n)
        target("upgrade --sql: Alembic's time / Retort's", alembic / up if alembic else None, 40, "x Alembic")
        parse = secs("floor", "xmllint --noout (parse every revision)", n)
        target("upgrade --sql / libxml2 parse of the same files", up / parse if parse else None, 2.5)
        cur = secs("retort", "sql (out/ current)", n)
        target("sql with out/ current / upgrade --sql", cur / up if cur else None, 1.3)
        cold = secs("retort", "sql (out/ current, no build record)", n)
        target("  the same without the build record (compiles)", cold / up if cold else None, 1.3)
        one = secs("retort", "sql (one new revision)", n)
        target("sql after one new revision / upgrade --sql", one / up if one else None, 1.5)
        fresh, copy = secs("retort", "sql", n), secs("floor", "cp -r out (copy the output)", n)
        target("sql with no out/ / (upgrade --sql + 1.5 x cp -r)", fresh / (up + 1.5 * copy) if fresh and copy else None, 1.0)
        check = secs("retort", "sql --check", n)
        target("sql --check / upgrade --sql", check / up if check else None, 1.3)
        cold_check = secs("retort", "sql --check (no build record)", n)
        target("  the same without the build record (compiles)", cold_check / up if cold_check else None, 1.3)
        lint = secs("retort", "lint", n)
        target("lint / upgrade --sql", lint / up if lint else None, 1.5)
        peaks = [int(res[(t, c, n)][1]) for t, c in order if t == "retort" and res.get((t, c, n), ("", ""))[1].isdigit()]
        if peaks:
            target("peak memory of any retort command (MiB)", max(peaks) / 1024, 256, " MiB")
        if len(sizes) >= 2:
            worst = max(((secs("retort", c, sizes[-1]) or 0) / (secs("retort", c, sizes[0]) or 1), c) for t, c in order if t == "retort")
            target(f"worst t({sizes[-1] // 1000}k)/t({sizes[0] // 1000}k) ({worst[1]})", worst[0], 11 * sizes[-1] / sizes[0] / 10, "")
    return 0


def cmd_instructions(args: argparse.Namespace) -> int:
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    valgrind = shutil.which("valgrind")
    if not valgrind:
        print("measure.py instructions: valgrind not found", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        proc = subprocess.run([valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            print(f"measure.py instructions: exit status {proc.returncode}\n{proc.stderr[-2000:]}", file=sys.stderr)
            return 1
        for line in proc.stderr.splitlines():
            if "Collected :" in line:
                print(line.split("Collected :")[1].strip())
                return 0
    print("measure.py instructions: no count in callgrind's output", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run")
    r.add_argument("--runs", type=int, default=5)
    r.add_argument("--warmup", type=int, default=1)
    r.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    r.add_argument("--clean", metavar="DIR", help="remove DIR before each run (untimed)")
    r.add_argument("--prepare", metavar="SH", help="shell command run before each run (untimed)")
    r.add_argument("cmd", nargs=argparse.REMAINDER)
    i = sub.add_parser("instructions")
    i.add_argument("cmd", nargs=argparse.REMAINDER)
    t = sub.add_parser("report")
    t.add_argument("results")
    t.add_argument("--runs", type=int, default=5)
    t.add_argument("--alembic-runs", type=int, default=3)
    t.add_argument("--seed", default="?")
    args = p.parse_args(argv)
    if args.what == "instructions":
        return cmd_instructions(args)
    return cmd_run(args) if args.what == "run" else cmd_report(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
