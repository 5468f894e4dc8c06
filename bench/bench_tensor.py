"""Chapter 8's benchmark: the demo step on four engines, and a size sweep.

    .venv/bin/python bench/bench_tensor.py            # this part only; merges its
                                                      # results into bench/results.json
    .venv/bin/python bench/bench_tensor.py --quick    # a smoke run; writes nothing
    .venv/bin/python bench/run.py                     # everything, this part included

(a) The demo training step of chapters 6 to 8 (100 moons, MLP(2, [16, 16, 1]),
    ReLU hidden layers and a linear output, hinge loss + 1e-4 * L2, SGD with
    the learning rate 1.0 - 0.9 k / 100), from the same initial weights, on:
    micrograd 0.1.0 (as its demo notebook does it), scratchgrad's Value
    (chapter 6), scratchgrad's Tensor (chapter 8) and, when it is importable,
    PyTorch (float64, torch.set_num_threads(1), written in its fastest plain
    form: F.linear, one torch.cat for the penalty, an update under no_grad).
    Every round runs every engine from the same fresh weights, interleaved;
    figures are medians of the rounds, ratios medians of per-round ratios.
    Python's garbage collector is on, as shipped.
(b) The fixed cost of one operation: a + b on two 100 x 16 arrays, in NumPy,
    as Tensors, and as PyTorch tensors with requires_grad.
(c) A size sweep, Tensor against PyTorch: the same step with hidden width
    16 to 1024 and batch 100 to 10,000 (random data), where the arrays grow
    until the fixed costs no longer matter.

NumPy's BLAS is limited to one thread (OPENBLAS_NUM_THREADS=1 and friends,
unless already set), like PyTorch here, so that both do the same work on one
core.  Benchmark-only: not collected by pytest.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy is imported

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from bench_engines import (  # noqa: E402
    ALPHA,
    BENCH,
    DATA_SEED,
    MODEL_SEED,
    Micrograd,
    Scratchgrad,
    clock_name,
    learning_rate,
    load_average,
    log,
    paired_ratio,
    target,
    target_line,
    timed,
    utc_now,
)

TARGETS = {  # chapter 8 (issue 10): times faster than the Tensor step
    "micrograd": 1000.0,
    "scratchgrad": 20.0,
    "pytorch": 1.5,
}


def layer_arrays(layers):
    """[(W, b), ...] of [[(weights, bias), ...] per layer]: W (nout, nin), as nn.Linear has it."""
    return [(np.array([w for w, _ in layer]), np.array([b for _, b in layer]))
            for layer in layers]


class TensorEngine:
    name = "tensor"

    def __init__(self):
        from scratchgrad.tensor import (
            Tensor,
            TensorMLP,
            TensorSGD,
            tensor_l2_penalty,
            tensor_svm_loss,
        )

        self.Tensor, self.TensorMLP, self.TensorSGD = Tensor, TensorMLP, TensorSGD
        self.svm_loss, self.l2_penalty = tensor_svm_loss, tensor_l2_penalty

    def demo_setup(self, layers, X, Y):
        net = self.TensorMLP(len(layers[0][0][0]), [len(layer) for layer in layers],
                             "relu", "linear")
        for (W, b), (weights, biases) in zip(net.layers, layer_arrays(layers)):
            W.data = weights.T.copy()
            b.data = biases
        params = net.parameters()
        return {"net": net, "params": params, "opt": self.TensorSGD(params, lr=1.0),
                "X": np.array(X), "Y": np.array(Y).reshape(-1, 1)}

    def demo_step(self, state, k):
        net, params, opt, X, Y = (state[key] for key in ("net", "params", "opt", "X", "Y"))
        scores = net(X)
        loss = self.svm_loss(scores, Y) + self.l2_penalty(params, ALPHA)
        opt.zero_grad()
        loss.backward()
        opt.lr = learning_rate(k)
        opt.step()
        return float(loss.data), float(((scores.data > 0) == (Y > 0)).mean())

    def free(self):
        pass


class TorchEngine:
    name = "pytorch"

    def __init__(self):
        import torch
        import torch.nn.functional as F

        torch.set_num_threads(1)
        self.torch, self.F = torch, F

    def demo_setup(self, layers, X, Y):
        torch = self.torch
        params = [torch.tensor(array, dtype=torch.float64, requires_grad=True)
                  for layer in layer_arrays(layers) for array in layer]
        return {"params": params, "X": torch.tensor(X, dtype=torch.float64),
                "Y": torch.tensor(Y, dtype=torch.float64).reshape(-1, 1),
                "Yn": np.array(Y).reshape(-1, 1)}

    def demo_step(self, state, k):
        torch, F = self.torch, self.F
        params, X, Y = state["params"], state["X"], state["Y"]
        h = X
        last = len(params) - 2
        for i in range(0, len(params), 2):
            h = F.linear(h, params[i], params[i + 1])
            if i < last:
                h = h.relu()
        penalty = torch.cat([p.reshape(-1) for p in params]).square().sum()
        loss = (1 - Y * h).relu().mean() + ALPHA * penalty
        for p in params:
            p.grad = None
        loss.backward()
        lr = learning_rate(k)
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad, alpha=lr)
        accuracy = ((h.detach().numpy() > 0) == (state["Yn"] > 0)).mean()
        return loss.item(), float(accuracy)

    def free(self):
        pass


def bench_demo(engines, layers, X, Y, rounds, steps):
    """ms per step of every engine, interleaved; every round from fresh weights."""
    runs = {e.name: {"ms": [], "losses": None} for e in engines}
    for r in range(rounds):
        for engine in engines:
            state = engine.demo_setup(layers, X, Y)
            n = steps[engine.name]

            def train(engine=engine, state=state, n=n):
                return [engine.demo_step(state, k) for k in range(n)]

            seconds, out = timed(train)
            engine.free()
            runs[engine.name]["ms"].append(1e3 * seconds / n)
            runs[engine.name]["losses"] = [loss for loss, _ in out][:10]
        log("  tensor demo round {}/{}: {}".format(r + 1, rounds, ", ".join(
            f"{name} {run['ms'][-1]:.3f} ms" for name, run in runs.items())))
    return {name: {"ms_per_step": statistics.median(run["ms"]), "runs_ms": run["ms"],
                   "losses": run["losses"]} for name, run in runs.items()}


def per_op_costs(tensor, torch_engine, repeat):
    """Microseconds per call, on two 100 x 16 arrays: a + b (NumPy, Tensor,
    PyTorch with requires_grad), and a whole (a + b).sum().backward()."""
    Tensor = tensor.Tensor
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(100, 16)), rng.normal(size=(100, 16))
    ta, tb = Tensor(a), Tensor(b)
    cases = {"NumPy: a + b": lambda: a + b,
             "Tensor: a + b": lambda: ta + tb,
             "Tensor: (a + b).sum().backward()": lambda: (ta + tb).sum().backward()}
    if torch_engine is not None:
        torch = torch_engine.torch
        pa, pb = (torch.tensor(x, requires_grad=True) for x in (a, b))
        cases["PyTorch: a + b"] = lambda: pa + pb
        cases["PyTorch: (a + b).sum().backward()"] = lambda: (pa + pb).sum().backward()

    def calls(fn):
        for _ in range(repeat):
            fn()

    return {name: min(1e6 * timed(lambda fn=fn: calls(fn))[0] / repeat for _ in range(5))
            for name, fn in cases.items()}


def bench_sweep(tensor, torch_engine, widths, batches, rounds, max_work=3e8):
    """ms per step, Tensor and PyTorch, on MLP(2, [w, w, 1]) and batches of n points."""
    rng = np.random.default_rng(0)
    rows = []
    for width in widths:
        for batch in batches:
            if batch * width * width > max_work:
                continue
            X = rng.normal(size=(batch, 2)).tolist()
            Y = np.where(rng.normal(size=batch) > 0, 1.0, -1.0).tolist()
            sizes = [2, width, width, 1]
            layers = [[((rng.uniform(-1, 1, nin) / nin**0.5).tolist(), 0.0)
                       for _ in range(nout)] for nin, nout in zip(sizes, sizes[1:])]
            steps = max(2, int(2e7 / (batch * width * width + 2e5)))
            times = {"tensor": [], "torch": []}
            for _ in range(rounds):
                for key, engine in (("tensor", tensor), ("torch", torch_engine)):
                    state = engine.demo_setup(layers, X, Y)
                    engine.demo_step(state, 0)  # warm up
                    seconds, _ = timed(lambda e=engine, s=state, n=steps: [
                        e.demo_step(s, k) for k in range(n)])
                    times[key].append(1e3 * seconds / steps)
            row = {"width": width, "batch": batch, "steps": steps,
                   "tensor_ms": statistics.median(times["tensor"]),
                   "torch_ms": statistics.median(times["torch"])}
            rows.append(row)
            log(f"  sweep width {width:5} batch {batch:6}: Tensor {row['tensor_ms']:9.3f} ms,"
                f" PyTorch {row['torch_ms']:9.3f} ms")
    return rows


def code_lines(paths):
    """Non-blank lines that are not comments, of the given files."""
    return sum(sum(1 for line in Path(p).read_text().splitlines()
                   if line.strip() and not line.lstrip().startswith("#")) for p in paths)


def run(quick, scratch=None, micro=None, rounds=None):
    """The whole chapter 8 benchmark; returns the dict stored under "tensor"."""
    scratch = scratch or Scratchgrad()
    if micro is None:
        try:
            micro = Micrograd()
        except ImportError:
            log("  micrograd is not installed: no micrograd column")
    tensor = TensorEngine()
    try:
        torch_engine = TorchEngine()
    except ImportError:
        torch_engine = None
        log("  PyTorch is not installed: no PyTorch column, no sweep")
    rounds = rounds or (2 if quick else 7)
    engines = [e for e in (micro, scratch, tensor, torch_engine) if e is not None]
    steps = {"micrograd": 1, "scratchgrad": 1 if quick else 5,
             "tensor": 20 if quick else 300, "pytorch": 20 if quick else 300}

    X, Y, layers = scratch.demo_data(DATA_SEED, MODEL_SEED)
    for engine in engines:  # warm up: imports, caches, first allocations
        state = engine.demo_setup(layers, X, Y)
        for k in range(1 if engine.name in ("micrograd", "scratchgrad") else 20):
            engine.demo_step(state, k)
        engine.free()

    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch_engine.torch.__version__ if torch_engine else None,
        "cpu_count": os.cpu_count(),
        "date": utc_now(),
        "load_average_at_start": load_average(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    }
    results = {"machine": info, "settings": {
        "quick": quick, "rounds": rounds, "steps_per_round": steps, "clock": clock_name(),
        "data_seed": DATA_SEED, "model_seed": MODEL_SEED, "gc": "on"}}
    log("(e) chapter 8: the demo step on micrograd, Value, Tensor and PyTorch")
    demo = bench_demo(engines, layers, X, Y, rounds, steps)
    results["demo"] = demo

    faster = {name: paired_ratio(run_["runs_ms"], demo["tensor"]["runs_ms"])
              for name, run_ in demo.items() if name != "tensor"}
    results["ratios"] = {f"{name}_over_tensor": value for name, value in faster.items()}
    results["targets"] = [target(f"Tensor step: times faster than {name}", value, ">=",
                                 TARGETS[name], quick) for name, value in faster.items()]
    n = min(len(r["losses"]) for r in demo.values())
    ref = demo["scratchgrad"]["losses"][:n]
    results["checks"] = {"loss_max_relative_difference_vs_scratchgrad": {
        name: max(abs(a - b) / abs(b) for a, b in zip(r["losses"][:n], ref))
        for name, r in demo.items() if name != "scratchgrad"}}

    log("(f) chapter 8: the cost of one operation")
    results["per_op_us"] = per_op_costs(tensor, torch_engine, 1_000 if quick else 10_000)
    if torch_engine is not None:
        log("(g) chapter 8: size sweep, Tensor and PyTorch")
        widths, batches = ([16, 256], [100, 1000]) if quick else (
            [16, 64, 256, 1024], [100, 1000, 10000])
        results["sweep"] = bench_sweep(tensor, torch_engine, widths, batches,
                                       1 if quick else 3)
    if micro is not None:
        import micrograd

        folder = Path(micrograd.__file__).parent
        results["micrograd_lines"] = code_lines([folder / "engine.py", folder / "nn.py"])
    info["load_average_at_end"] = load_average()
    return results


def table(results):
    lines = [f"{'chapter 8 demo step':24}{'ms':>12}{'x Tensor':>12}"]
    for name, run_ in results["demo"].items():
        ratio = results["ratios"].get(f"{name}_over_tensor", 1.0)
        lines.append(f"{name:24}{run_['ms_per_step']:12.3f}{ratio:12.1f}")
    for name, us in results["per_op_us"].items():
        lines.append(f"  {name:40}{us:8.2f} us")
    for row in results.get("sweep", []):
        lines.append(f"  sweep width {row['width']:5} batch {row['batch']:6}: Tensor "
                     f"{row['tensor_ms']:9.3f} ms, PyTorch {row['torch_ms']:9.3f} ms")
    lines.extend(target_line(t) for t in results["targets"])
    worst = results["checks"]["loss_max_relative_difference_vs_scratchgrad"]
    lines.append("  losses agree with scratchgrad's Value to " + ", ".join(
        f"{name} {v:.1e}" for name, v in worst.items()))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run; writes nothing")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 7)")
    parser.add_argument("--out", default=str(BENCH / "results.json"),
                        help="the results file to merge the key 'tensor' into")
    args = parser.parse_args(argv)
    results = run(args.quick, rounds=args.rounds)
    print(table(results))
    if not args.quick:
        path = Path(args.out)
        everything = json.loads(path.read_text()) if path.exists() else {}
        everything["tensor"] = results
        path.write_text(json.dumps(everything, indent=1) + "\n")
        print(f"results merged into {path} under 'tensor'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
