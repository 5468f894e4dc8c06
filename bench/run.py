"""Benchmark scratchgrad against micrograd and plain Python floats.

    make bench                        # installs bench/requirements.txt, then runs this
    .venv/bin/python bench/run.py     # the full run (a minute or two); writes bench/results.json
    .venv/bin/python bench/run.py --quick   # a smoke run of seconds; writes nothing

All engines run in ONE process, interleaved (scratchgrad, micrograd, floats,
scratchgrad, micrograd, floats, ...), so that a noisy machine slows all of them
alike; each figure is the median of the rounds, and the ratios are ratios of
medians.  The workloads:

(a) micrograd's demo: two moons (100 points, noise 0.1, scratchgrad's make_moons),
    MLP(2, [16, 16, 1]) with ReLU hidden layers and a linear output, the SVM
    max-margin loss + 1e-4 * L2, SGD with learning rate 1.0 - 0.9 k / 100;
    milliseconds per training step, with Python's cyclic garbage collector on
    (as shipped) and off (gc.disable()).
(b) a chain x = x * a + b and a balanced sum tree, each of --nodes nodes:
    nanoseconds per node, forward and backward timed separately (freeing the
    graph is not timed).
(c) memory per node: the tracemalloc peak while building the chain, divided by
    its number of nodes.
(d) the deepest chain whose backward() works at the default recursion limit
    (1000): found by bisection for micrograd, tested at 1,000,000 nodes for
    scratchgrad.
(e)-(g) chapter 8: the demo step with scratchgrad's Tensor, against micrograd,
    Value and PyTorch (when importable), the cost of one operation, and a size
    sweep; stored under the key "tensor" (see bench_tensor.py, which can also
    run alone).

Benchmark-only: never run by `make test`, and pytest does not collect bench/.
"""

import argparse
import datetime
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The tangled library of THIS checkout, and the benchmark's own modules.
sys.path[:0] = [str(ROOT / "code"), str(BENCH)]

import bench_tensor  # noqa: E402 -- first: it limits NumPy's BLAS to one thread
from bench_engines import ENGINES, Floats, Micrograd, Scratchgrad  # noqa: E402

DEFAULT_RECURSION_LIMIT = 1000  # CPython's default
# The clock.  CPU time of this process by default: on a shared machine it leaves
# out the time the operating system gives to other programs, which wall-clock
# time counts (--clock wall for wall-clock time).  Both include the time spent
# in Python's garbage collector.
CLOCKS = {
    "cpu": (time.process_time, "time.process_time (CPU time of this process)"),
    "wall": (time.perf_counter, "time.perf_counter (wall clock)"),
}
CLOCK, CLOCK_NAME = CLOCKS["cpu"]
TARGETS = {
    "demo_vs_micrograd_gc_on": 30.0,  # at least 30x faster per step than micrograd, GC on
    "demo_vs_micrograd_gc_off": 5.0,  # at least 5x faster, both with GC off
    "per_node_vs_floats": 10.0,  # within 10x of plain floats per node (forward + backward)
    "bytes_per_node": 200.0,  # at most 200 bytes per node
    "depth": 1_000_000,  # backward() works on a chain at least this deep
}


# --- timing ---------------------------------------------------------------------------


def timed(fn, gc_on):
    """(seconds, result) of fn(), from a freshly collected heap, with the GC on or off."""
    gc.collect()
    if gc_on:
        gc.enable()
    else:
        gc.disable()
    try:
        start = CLOCK()
        result = fn()
        elapsed = CLOCK() - start
    finally:
        gc.enable()
    return elapsed, result


def median(xs):
    return statistics.median(xs)


# --- (a) the demo -----------------------------------------------------------------------


def bench_demo(engines, scratch, rounds, steps, data_seed, model_seed, log):
    """ms per training step for every engine and GC mode, interleaved."""
    X, Y = scratch.make_moons(100, noise=0.1, rng=data_seed)
    X = [[float(a), float(b)] for a, b in X]
    Y = [1.0 if y > 0 else -1.0 for y in Y]  # micrograd's demo uses labels -1 and +1
    layers = scratch.initial_weights(model_seed)
    series = {}
    for mode in ("gc_on", "gc_off"):
        for engine in engines:
            series[mode, engine.name] = {
                "state": engine.demo_setup(layers, X, Y),
                "k": 0,
                "ms": [],
                "losses": [],
            }
    for r in range(rounds):
        for mode in ("gc_on", "gc_off"):
            for engine in engines:
                run = series[mode, engine.name]

                def train(engine=engine, run=run):
                    out = []
                    for _ in range(steps):
                        out.append(engine.demo_step(run["state"], run["k"]))
                        run["k"] += 1
                    return out

                seconds, out = timed(train, mode == "gc_on")
                engine.free()
                run["ms"].append(1e3 * seconds / steps)
                run["losses"].extend(loss for loss, _ in out)
                run["accuracy"] = out[-1][1]
        log(f"  demo round {r + 1}/{rounds}: " + ", ".join(
            f"{name} {mode[3:]} {series[mode, name]['ms'][-1]:.1f} ms"
            for mode, name in series
        ))
    results = {}
    for (mode, name), run in series.items():
        results.setdefault(mode, {})[name] = {
            "ms_per_step": median(run["ms"]),
            "runs_ms": run["ms"],
            "losses": run["losses"],
        }
    return results


def loss_agreement(demo):
    """Largest relative difference between an engine's losses and scratchgrad's, per mode."""
    worst = {}
    for mode, runs in demo.items():
        base = runs["scratchgrad"]["losses"]
        for name, run in runs.items():
            if name == "scratchgrad":
                continue
            diffs = [abs(a - b) / max(abs(b), 1e-300) for a, b in zip(run["losses"], base)]
            worst[f"{name}_{mode}"] = max(diffs) if diffs else None
    return worst


# --- (b) chain and tree -------------------------------------------------------------------


def bench_graphs(engines, nodes, rounds, log):
    """ns per node, forward and backward, for the chain and the tree, GC on and off."""
    steps = nodes // 2  # x = x * a + b: two nodes per step
    leaves = [((i * 7919) % 1000) / 1000.0 for i in range((nodes + 1) // 2)]
    counts = {"chain": 2 * steps, "tree": 2 * len(leaves) - 1}
    samples = {}
    grads = {}
    old_limit = sys.getrecursionlimit()
    # micrograd's backward() recurses once per node of the chain
    sys.setrecursionlimit(max(old_limit, 4 * nodes + 1000))
    try:
        for r in range(rounds):
            for mode in ("gc_on", "gc_off"):
                for shape in ("chain", "tree"):
                    for engine in engines:
                        if shape == "chain":
                            forward, backward = engine.chain_forward, engine.chain_backward
                            args = (steps,)
                        else:
                            forward, backward = engine.tree_forward, engine.tree_backward
                            args = (leaves,)
                        t_fwd, graph = timed(lambda f=forward, a=args: f(*a), mode == "gc_on")
                        t_bwd, g = timed(lambda b=backward, x=graph: b(x), mode == "gc_on")
                        del graph
                        engine.free()
                        key = (shape, mode, engine.name)
                        n = counts[shape]
                        samples.setdefault(key, {"forward": [], "backward": []})
                        samples[key]["forward"].append(1e9 * t_fwd / n)
                        samples[key]["backward"].append(1e9 * t_bwd / n)
                        grads[shape, engine.name] = g
            log(f"  graphs round {r + 1}/{rounds} done")
    finally:
        sys.setrecursionlimit(old_limit)
    results = {"nodes": counts}
    for (shape, mode, name), s in samples.items():
        fwd, bwd = median(s["forward"]), median(s["backward"])
        totals = [a + b for a, b in zip(s["forward"], s["backward"])]
        results.setdefault(shape, {}).setdefault(mode, {})[name] = {
            "forward_ns": fwd,
            "backward_ns": bwd,
            "total_ns": median(totals),
            "runs_forward_ns": s["forward"],
            "runs_backward_ns": s["backward"],
        }
    return results, grads


def gradient_agreement(grads):
    """The chain's and tree's gradients must agree across engines (a sanity check)."""
    worst = 0.0
    for shape in ("chain", "tree"):
        base = grads.get((shape, "floats"))
        for (s, _), g in grads.items():
            if s != shape or base is None:
                continue
            gs, bs = (g, base) if isinstance(g, tuple) else ((g,), (base,))
            for a, b in zip(gs, bs):
                worst = max(worst, abs(a - b) / max(abs(b), 1e-30))
    return worst


# --- (c) memory ------------------------------------------------------------------------------


def bench_memory(engines, nodes):
    """Bytes per node: tracemalloc's peak while building the chain, over its nodes."""
    steps = nodes // 2
    out = {}
    for engine in engines:
        gc.collect()
        tracemalloc.start()
        try:
            graph = engine.chain_forward(steps)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        del graph
        engine.free()
        out[engine.name] = peak / (2 * steps)
    return out


# --- (d) depth ---------------------------------------------------------------------------------


def _chain_of(engine, nodes):
    """A chain x = x * a + b of exactly ``nodes`` operation nodes, and its leaves."""
    V = engine.Value
    x, a, b = V(0.5), V(0.999), V(0.001)
    for i in range(nodes):
        x = x * a if i % 2 == 0 else x + b
    return x, (a, b)


def backward_works(engine, nodes):
    out, _ = _chain_of(engine, nodes)
    try:
        out.backward()
        return True
    except RecursionError:
        return False
    finally:
        del out
        engine.free()


def bench_depth(scratch, micro, scratch_depth, log):
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(DEFAULT_RECURSION_LIMIT)
    try:
        results = {"recursion_limit": sys.getrecursionlimit()}
        if micro is not None:
            lo, hi = 1, 2
            while backward_works(micro, hi):
                lo, hi = hi, 2 * hi
            while hi - lo > 1:  # backward_works(lo) and not backward_works(hi)
                mid = (lo + hi) // 2
                if backward_works(micro, mid):
                    lo = mid
                else:
                    hi = mid
            results["micrograd"] = {"deepest": lo, "fails_at": hi}
            log(f"  micrograd: backward() works up to {lo} nodes, RecursionError at {hi}")
        start = time.perf_counter()
        out, (a, b) = _chain_of(scratch, scratch_depth)
        try:
            out.backward()
            # and the gradient is right: d out/d b follows the chain rule along the chain
            expected = 0.0
            for i in range(scratch_depth):
                expected = expected * 0.999 if i % 2 == 0 else expected + 1.0
            ok = math.isclose(b.grad, expected, rel_tol=1e-9)
        except RecursionError:
            ok = False
        del out
        seconds = time.perf_counter() - start
        results["scratchgrad"] = {"tested": scratch_depth, "works": ok, "seconds": seconds}
        log(f"  scratchgrad: backward() on {scratch_depth:,} nodes: {'works' if ok else 'FAILS'}")
        return results
    finally:
        sys.setrecursionlimit(old_limit)


# --- the report ----------------------------------------------------------------------------------


def machine_info():
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    versions = {}
    for package in ("scratchgrad", "micrograd"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # noqa: BLE001 -- not installed: say so in the results
            versions[package] = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "git_commit": commit,
        "versions": versions,
    }


def paired_ratio(top, bottom):
    """The median of the per-round ratios top[i] / bottom[i].

    Each round runs the engines back to back, so a slow moment of a shared
    machine slows both sides of a round's ratio alike, and mostly cancels.
    """
    return median([a / b for a, b in zip(top, bottom)])


def ratios_and_targets(results):
    demo, graphs = results["demo"], results["graphs"]
    r = {}
    t = []

    for mode in ("gc_on", "gc_off"):
        runs = {name: run["runs_ms"] for name, run in demo[mode].items()}
        if "micrograd" in runs:
            r[f"demo_micrograd_over_scratchgrad_{mode}"] = paired_ratio(
                runs["micrograd"], runs["scratchgrad"]
            )
        r[f"demo_scratchgrad_over_floats_{mode}"] = paired_ratio(
            runs["scratchgrad"], runs["floats"]
        )
    for shape in ("chain", "tree"):
        for mode in ("gc_on", "gc_off"):
            runs = graphs[shape][mode]
            for part in ("forward", "backward", "total"):
                series = {}
                for name, run in runs.items():
                    fwd, bwd = run["runs_forward_ns"], run["runs_backward_ns"]
                    series[name] = {"forward": fwd, "backward": bwd,
                                    "total": [a + b for a, b in zip(fwd, bwd)]}[part]
                key = f"{shape}_{part}_scratchgrad_over_floats_{mode}"
                r[key] = paired_ratio(series["scratchgrad"], series["floats"])
                if "micrograd" in series:
                    key = f"{shape}_{part}_micrograd_over_scratchgrad_{mode}"
                    r[key] = paired_ratio(series["micrograd"], series["scratchgrad"])

    def target(name, value, goal, higher_is_better=True):
        met = value >= goal if higher_is_better else value <= goal
        op = ">=" if higher_is_better else "<="
        t.append({"target": name, "value": value, "op": op, "goal": goal, "met": met})

    if "demo_micrograd_over_scratchgrad_gc_on" in r:
        target("(a) demo, GC on: times faster than micrograd",
               r["demo_micrograd_over_scratchgrad_gc_on"], TARGETS["demo_vs_micrograd_gc_on"])
        target("(a) demo, GC off: times faster than micrograd",
               r["demo_micrograd_over_scratchgrad_gc_off"], TARGETS["demo_vs_micrograd_gc_off"])
    for shape in ("chain", "tree"):
        for mode in ("gc_on", "gc_off"):
            target(f"(b) {shape}, GC {mode[3:]}: per node, times floats",
                   r[f"{shape}_total_scratchgrad_over_floats_{mode}"],
                   TARGETS["per_node_vs_floats"], higher_is_better=False)
    target("(c) memory: bytes per node of the chain", results["memory"]["scratchgrad"],
           TARGETS["bytes_per_node"], higher_is_better=False)
    depth = results["depth"]["scratchgrad"]
    target("(d) depth: deepest chain backward() handles",
           depth["tested"] if depth["works"] else 0, TARGETS["depth"])
    if results["settings"]["quick"]:
        # one step per round from a clean heap (micrograd's garbage has no time to
        # pile up), small graphs, a shallow chain: too little for verdicts
        for entry in t:
            entry["met"] = None
    return r, t


def table(results):
    names = [n for n in ("scratchgrad", "micrograd", "floats") if n in results["demo"]["gc_on"]]
    lines = []
    head = f"{'':34}" + "".join(f"{n:>13}" for n in names)
    head += f"{'mg / sg':>10}{'sg / floats':>13}"
    lines.append(head)
    lines.append("-" * len(head))

    ratios = results["ratios"]

    def row(label, values, fmt, key=None):
        cells = "".join(f"{fmt(values[n]):>13}" if n in values else f"{'-':>13}" for n in names)
        sg = values.get("scratchgrad")
        if key:  # paired ratios, from results["ratios"]
            mg = ratios.get(key.format("micrograd_over_scratchgrad"))
            fl = ratios.get(key.format("scratchgrad_over_floats"))
        else:
            mg = values["micrograd"] / sg if "micrograd" in values else None
            fl = sg / values["floats"] if values.get("floats") else None
        mg = f"{mg:.1f}x" if mg else "-"
        fl = f"{fl:.1f}x" if fl else "-"
        lines.append(f"{label:34}{cells}{mg:>10}{fl:>13}")

    for mode in ("gc_on", "gc_off"):
        vals = {n: v["ms_per_step"] for n, v in results["demo"][mode].items()}
        row(f"(a) demo step, GC {mode[3:]} [ms]", vals, lambda v: f"{v:.1f}",
            "demo_{}_" + mode)
    for shape in ("chain", "tree"):
        for mode in ("gc_on", "gc_off"):
            runs = results["graphs"][shape][mode]
            for part, label in (("forward", "fwd"), ("backward", "bwd"), ("total", "sum")):
                vals = {n: v[part + "_ns"] for n, v in runs.items()}
                row(f"(b) {shape} {label}, GC {mode[3:]} [ns/node]", vals, lambda v: f"{v:.0f}",
                    f"{shape}_{part}_{{}}_{mode}")
    row("(c) memory, chain [bytes/node]", results["memory"], lambda v: f"{v:.0f}")
    depth = results["depth"]
    d = {}
    if "micrograd" in depth:
        d["micrograd"] = depth["micrograd"]["deepest"]
    sg = depth["scratchgrad"]
    lines.append(
        f"{'(d) deepest backward() [nodes]':34}"
        + "".join(
            f"{(('>= ' + format(sg['tested'], ',')) if sg['works'] else 'FAILS'):>13}"
            if n == "scratchgrad"
            else f"{format(d[n], ','):>13}" if n in d else f"{'-':>13}"
            for n in names
        )
    )
    lines.append("")
    lines.append("Each figure is the median of the rounds; each ratio the median of the per-round")
    lines.append("ratios (the engines of a round run back to back). Time: " + results["settings"]["clock"])
    lines.append("")
    if results["settings"]["quick"]:
        lines.append("A quick run is a smoke test: too short and too small for verdicts.")
    for t in results["targets"]:
        mark = {True: "met   ", False: "MISSED", None: "quick "}[t["met"]]
        lines.append(f"  [{mark}] {t['target']}: {t['value']:,.1f} (goal {t['op']} {t['goal']:,})")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run of seconds (small sizes, few rounds); writes no file "
                             "unless --out is given")
    parser.add_argument("--out", help="where to write the JSON results "
                                      "(default: bench/results.json for a full run)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per measurement")
    parser.add_argument("--nodes", type=int, help="nodes of the chain and of the tree")
    parser.add_argument("--engines", default="scratchgrad,micrograd,floats",
                        help="comma-separated subset of: " + ", ".join(ENGINES))
    parser.add_argument("--data-seed", type=int, default=1337,
                        help="seed of the two moons (chapter 6 uses 1337)")
    parser.add_argument("--model-seed", type=int, default=0,
                        help="seed of the initial weights (chapter 6 uses 0)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: CPU time of this process (default); wall: wall-clock time")
    args = parser.parse_args(argv)
    global CLOCK, CLOCK_NAME
    CLOCK, CLOCK_NAME = CLOCKS[args.clock]

    quick = args.quick
    rounds = args.rounds or (3 if quick else 7)
    nodes = args.nodes or (20_000 if quick else 200_000)
    demo_rounds, demo_steps = (2, 1) if quick else (rounds, 3)
    scratch_depth = 100_000 if quick else 1_000_000
    out = args.out or (None if quick else str(BENCH / "results.json"))

    def log(message):
        print(message, file=sys.stderr, flush=True)

    wanted = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = set(wanted) - set(ENGINES)
    if unknown or "scratchgrad" not in wanted or "floats" not in wanted:
        parser.error("--engines must include scratchgrad and floats; known: " + ", ".join(ENGINES))
    try:
        scratch = Scratchgrad()
    except (ImportError, LookupError) as error:
        sys.exit(f"error: cannot use the tangled library in code/ ({error}); run `make tangle`")
    micro = None
    if "micrograd" in wanted:
        try:
            micro = Micrograd()
        except ImportError:
            sys.exit("error: micrograd is not installed: run `make bench`, or "
                     ".venv/bin/python -m pip install -r bench/requirements.txt")
    engines = [scratch] + ([micro] if micro else []) + [Floats()]

    info = machine_info()
    log(f"{info['python']} on {info['platform']}, {info['cpu_count']} CPUs; "
        f"{'quick' if quick else 'full'} run: {rounds} rounds, {nodes:,} nodes")
    results = {"machine": info, "settings": {
        "quick": quick, "rounds": rounds, "nodes": nodes, "demo_rounds": demo_rounds,
        "demo_steps_per_round": demo_steps, "data_seed": args.data_seed,
        "model_seed": args.model_seed, "clock": CLOCK_NAME,
        "engines": [e.name for e in engines],
    }}
    log("(a) demo training step")
    results["demo"] = bench_demo(
        engines, scratch, demo_rounds, demo_steps, args.data_seed, args.model_seed, log
    )
    log("(b) chain and tree")
    results["graphs"], grads = bench_graphs(engines, nodes, rounds, log)
    log("(c) memory")
    results["memory"] = bench_memory(engines, nodes)
    log("(d) depth")
    results["depth"] = bench_depth(scratch, micro, scratch_depth, log)
    results["checks"] = {
        "demo_loss_max_relative_difference": loss_agreement(results["demo"]),
        "graph_gradient_max_relative_difference": gradient_agreement(grads),
    }
    results["ratios"], results["targets"] = ratios_and_targets(results)
    results["tensor"] = bench_tensor.run(quick, log, scratch, micro)
    results["machine"]["load_average_at_end"] = (
        list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    )

    print(table(results))
    print()
    print(bench_tensor.table(results["tensor"]))
    checks = results["checks"]
    print(f"\nchecks: demo losses agree with scratchgrad's to "
          f"{max(v for v in checks['demo_loss_max_relative_difference'].values() if v is not None):.1e}"
          f" (relative); chain/tree gradients to "
          f"{checks['graph_gradient_max_relative_difference']:.1e}")
    if out:
        Path(out).write_text(json.dumps(results, indent=1) + "\n")
        print(f"results written to {os.path.relpath(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
