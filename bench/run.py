"""Benchmark scratchgrad against micrograd and plain Python floats.

    make bench                        # installs bench/requirements.txt, then runs this
    .venv/bin/python bench/run.py     # the full run (3-5 minutes); writes bench/results.json
    .venv/bin/python bench/run.py --quick   # a smoke run of seconds; writes nothing

All engines run in ONE process, interleaved (scratchgrad, micrograd, floats,
scratchgrad, micrograd, floats, ...), so that a noisy machine slows all of them
alike; each figure is the median of the rounds, and each ratio the median of
the per-round ratios.  The workloads:

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
import gc
import json
import math
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from statistics import median
from typing import NamedTuple

import bench_tensor  # before NumPy is imported: it limits NumPy's BLAS to one thread
from bench_engines import (
    BENCH,
    CLOCKS,
    DATA_SEED,
    ENGINES,
    MODEL_SEED,
    ROOT,
    Floats,
    Micrograd,
    Scratchgrad,
    clock_name,
    load_average,
    log,
    paired_ratio,
    target,
    target_line,
    timed,
    use_clock,
    utc_now,
)

DEFAULT_RECURSION_LIMIT = 1000  # CPython's default
MODES = ("gc_on", "gc_off")
SHAPES = ("chain", "tree")
TARGETS = {
    # at least 30x faster per step than micrograd with the GC on, 5x with it off (both)
    "demo_vs_micrograd": {"gc_on": 30.0, "gc_off": 5.0},
    "per_node_vs_floats": 10.0,  # within 10x of plain floats per node (forward + backward)
    "bytes_per_node": 200.0,  # at most 200 bytes per node
    "depth": 1_000_000,  # backward() works on a chain at least this deep
}


# --- (a) the demo -----------------------------------------------------------------------


def bench_demo(engines, scratch, rounds, steps, data_seed, model_seed):
    """ms per training step for every engine and GC mode, interleaved."""
    X, Y, layers = scratch.demo_data(data_seed, model_seed)
    series = {}
    for mode in MODES:
        for engine in engines:
            series[mode, engine.name] = {
                "state": engine.demo_setup(layers, X, Y),
                "k": 0,
                "ms": [],
                "losses": [],
            }
    for r in range(rounds):
        for mode in MODES:
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


def bench_graphs(engines, nodes, rounds):
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
            for mode in MODES:
                for shape in SHAPES:
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
    for shape in SHAPES:
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


def backward_works(engine, nodes):
    out, _ = engine.chain(nodes)
    try:
        out.backward()
        return True
    except RecursionError:
        return False
    finally:
        del out
        engine.free()


def bench_depth(scratch, micro, scratch_depth):
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
        out, (_, _, b) = scratch.chain(scratch_depth)
        try:
            out.backward()
            # and the gradient is right: d out/d b as the plain-float backward pass has it
            floats = Floats()
            expected = floats.chain_backward(floats.chain_forward(scratch_depth // 2))[2]
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
            versions[package] = version(package)
        except PackageNotFoundError:  # not installed: say so in the results
            versions[package] = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "date": utc_now(),
        "load_average_at_start": load_average(),
        "git_commit": commit,
        "versions": versions,
    }


class Row(NamedTuple):
    """A row of the table: one figure per engine, and the figures of every round."""

    label: str
    fmt: str
    figures: dict  # {engine: the median of the rounds}
    rounds: dict  # {engine: [the figure of each round]}
    key: tuple = None  # (workload, mode): where results["ratios"] keeps the row's ratios


RATIOS = (("micrograd", "scratchgrad"), ("scratchgrad", "floats"))  # the ratio columns


def rows(results):
    for mode in MODES:
        runs = results["demo"][mode]
        yield Row(f"(a) demo step, GC {mode[3:]} [ms]", "{:.1f}",
                  {n: run["ms_per_step"] for n, run in runs.items()},
                  {n: run["runs_ms"] for n, run in runs.items()}, ("demo", mode))
    for shape in SHAPES:
        for mode in MODES:
            runs = results["graphs"][shape][mode]
            for part, short in (("forward", "fwd"), ("backward", "bwd"), ("total", "sum")):
                yield Row(
                    f"(b) {shape} {short}, GC {mode[3:]} [ns/node]", "{:.0f}",
                    {n: run[part + "_ns"] for n, run in runs.items()},
                    {n: [a + b for a, b in zip(run["runs_forward_ns"], run["runs_backward_ns"])]
                     if part == "total" else run[f"runs_{part}_ns"] for n, run in runs.items()},
                    (f"{shape}_{part}", mode))
    memory = results["memory"]
    yield Row("(c) memory, chain [bytes/node]", "{:.0f}", memory,
              {n: [v] for n, v in memory.items()})


def row_ratios(row):
    """The row's (micrograd / scratchgrad, scratchgrad / floats): medians of the
    per-round ratios; None for an engine that did not run."""
    return tuple(paired_ratio(row.rounds[top], row.rounds[bottom])
                 if top in row.rounds and bottom in row.rounds else None
                 for top, bottom in RATIOS)


def ratios_and_targets(results):
    ratios = {row.key: row_ratios(row) for row in rows(results) if row.key}
    flat = {f"{workload}_{top}_over_{bottom}_{mode}": value
            for (workload, mode), values in ratios.items()
            for (top, bottom), value in zip(RATIOS, values) if value is not None}
    # A quick run has one step per round from a clean heap (micrograd's garbage has no
    # time to pile up), small graphs, a shallow chain: too little for verdicts.
    quick = results["settings"]["quick"]
    targets = []
    if "micrograd" in results["demo"]["gc_on"]:
        for mode in MODES:
            targets.append(target(f"(a) demo, GC {mode[3:]}: times faster than micrograd",
                                  ratios["demo", mode][0], ">=", TARGETS["demo_vs_micrograd"][mode],
                                  quick))
    for shape in SHAPES:
        for mode in MODES:
            targets.append(target(f"(b) {shape}, GC {mode[3:]}: per node, times floats",
                                  ratios[f"{shape}_total", mode][1], "<=",
                                  TARGETS["per_node_vs_floats"], quick))
    targets.append(target("(c) memory: bytes per node of the chain",
                          results["memory"]["scratchgrad"], "<=", TARGETS["bytes_per_node"], quick))
    depth = results["depth"]["scratchgrad"]
    targets.append(target("(d) depth: deepest chain backward() handles",
                          depth["tested"] if depth["works"] else 0, ">=", TARGETS["depth"], quick))
    return flat, targets


def table(results):
    names = [n for n in ("scratchgrad", "micrograd", "floats") if n in results["demo"]["gc_on"]]
    head = f"{'':34}" + "".join(f"{n:>13}" for n in names)
    head += f"{'mg / sg':>10}{'sg / floats':>13}"
    lines = [head, "-" * len(head)]
    for row in rows(results):
        cells = "".join(f"{row.fmt.format(row.figures[n]):>13}" if n in row.figures
                        else f"{'-':>13}" for n in names)
        mg, fl = (f"{r:.1f}x" if r else "-" for r in row_ratios(row))
        lines.append(f"{row.label:34}{cells}{mg:>10}{fl:>13}")
    depth = results["depth"]
    sg = depth["scratchgrad"]
    deepest = {"scratchgrad": f">= {sg['tested']:,}" if sg["works"] else "FAILS"}
    if "micrograd" in depth:
        deepest["micrograd"] = f"{depth['micrograd']['deepest']:,}"
    lines.append(f"{'(d) deepest backward() [nodes]':34}"
                 + "".join(f"{deepest.get(n, '-'):>13}" for n in names))
    lines.append("")
    lines.append("Each figure is the median of the rounds; each ratio the median of the per-round")
    lines.append("ratios (the engines of a round run back to back). Time: " + results["settings"]["clock"])
    lines.append("")
    if results["settings"]["quick"]:
        lines.append("A quick run is a smoke test: too short and too small for verdicts.")
    lines.extend(target_line(t) for t in results["targets"])
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
    parser.add_argument("--data-seed", type=int, default=DATA_SEED,
                        help="seed of the two moons (chapter 6 uses 1337)")
    parser.add_argument("--model-seed", type=int, default=MODEL_SEED,
                        help="seed of the initial weights (chapter 6 uses 0)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: CPU time of this process (default); wall: wall-clock time")
    args = parser.parse_args(argv)
    use_clock(args.clock)

    quick = args.quick
    rounds = args.rounds or (3 if quick else 7)
    nodes = args.nodes or (20_000 if quick else 200_000)
    demo_rounds, demo_steps = (2, 1) if quick else (rounds, 3)
    scratch_depth = 100_000 if quick else 1_000_000
    out = args.out or (None if quick else str(BENCH / "results.json"))

    wanted = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = set(wanted) - set(ENGINES)
    if unknown or "scratchgrad" not in wanted or "floats" not in wanted:
        parser.error("--engines must include scratchgrad and floats; known: " + ", ".join(ENGINES))
    try:
        scratch = Scratchgrad()
    except ImportError as error:
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
        "model_seed": args.model_seed, "clock": clock_name(),
        "engines": [e.name for e in engines],
    }}
    log("(a) demo training step")
    results["demo"] = bench_demo(
        engines, scratch, demo_rounds, demo_steps, args.data_seed, args.model_seed
    )
    log("(b) chain and tree")
    results["graphs"], grads = bench_graphs(engines, nodes, rounds)
    log("(c) memory")
    results["memory"] = bench_memory(engines, nodes)
    log("(d) depth")
    results["depth"] = bench_depth(scratch, micro, scratch_depth)
    results["checks"] = {
        "demo_loss_max_relative_difference": loss_agreement(results["demo"]),
        "graph_gradient_max_relative_difference": gradient_agreement(grads),
    }
    results["ratios"], results["targets"] = ratios_and_targets(results)
    results["tensor"] = bench_tensor.run(quick, scratch, micro)
    results["machine"]["load_average_at_end"] = load_average()

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
