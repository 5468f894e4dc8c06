"""The three engines of ``bench/run.py``, behind one small interface, and the
measuring helpers that it shares with ``bench_tensor.py``.

- ``scratchgrad``: the library tangled from the book (``code/scratchgrad``);
- ``micrograd``: Karpathy's micrograd 0.1.0 from PyPI, used the way its demo
  notebook uses it;
- ``floats``: plain Python floats with hand-written backward passes
  (``bench_floats.py``).

Every engine runs the same workloads on the same numbers: the demo trains from
the same initial weights on the same two moons, so the loss curves agree (to
rounding; see ``loss_agreement`` in run.py).
Benchmark-only: not part of the library, not collected by pytest.
"""

import datetime
import gc
import os
import statistics
import sys
import time
from pathlib import Path

from bench_floats import (
    float_chain_backward,
    float_chain_forward,
    float_demo_step,
    float_mlp,
    float_tree_backward,
    float_tree_forward,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "code"))  # the tangled library of THIS checkout

# The chain's constants: |a| < 1 keeps x bounded however long the chain is.
CHAIN_X0, CHAIN_A, CHAIN_B = 0.5, 0.999, 0.001
ALPHA = 1e-4  # the L2 weight of micrograd's demo
DEMO_STEPS = 100  # the learning rate schedule 1.0 - 0.9 * k / 100 of micrograd's demo
DATA_SEED, MODEL_SEED = 1337, 0  # the seeds of chapter 6's demo


def learning_rate(k):
    return 1.0 - 0.9 * (k % DEMO_STEPS) / DEMO_STEPS


# --- measuring, shared by run.py and bench_tensor.py ------------------------------------

# CPU time of this process by default: on a shared machine it leaves out the time
# the operating system gives to other programs, which wall-clock time counts.  Both
# include the time spent in Python's garbage collector.
CLOCKS = {
    "cpu": (time.process_time, "time.process_time (CPU time of this process)"),
    "wall": (time.perf_counter, "time.perf_counter (wall clock)"),
}
_clock = CLOCKS["cpu"]


def use_clock(name):
    """Time every later measurement with ``CLOCKS[name]``."""
    global _clock
    _clock = CLOCKS[name]


def clock_name():
    return _clock[1]


def timed(fn, gc_on=True):
    """(seconds, result) of fn(), from a freshly collected heap, with the GC on or off."""
    gc.collect()
    if not gc_on:
        gc.disable()
    try:
        start = _clock[0]()
        result = fn()
        elapsed = _clock[0]() - start
    finally:
        gc.enable()
    return elapsed, result


def paired_ratio(top, bottom):
    """The median of the per-round ratios top[i] / bottom[i].

    Each round runs the engines back to back, so a slow moment of a shared
    machine slows both sides of a round's ratio alike, and mostly cancels.
    """
    return statistics.median(a / b for a, b in zip(top, bottom))


def target(name, value, op, goal, quick):
    """One verdict of results["targets"]; a quick run is too short for any (met: None)."""
    met = value >= goal if op == ">=" else value <= goal
    return {"target": name, "value": value, "op": op, "goal": goal,
            "met": None if quick else met}


def target_line(t):
    mark = {True: "met   ", False: "MISSED", None: "quick "}[t["met"]]
    return f"  [{mark}] {t['target']}: {t['value']:,.1f} (goal {t['op']} {t['goal']:,})"


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def load_average():
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def log(message):
    print(message, file=sys.stderr, flush=True)


def load_weights(model, layers):
    """Set the weights of a Value MLP (scratchgrad's or micrograd's) to ``layers``."""
    for layer, init in zip(model.layers, layers):
        for neuron, (weights, bias) in zip(layer.neurons, init):
            for w, value in zip(neuron.w, weights):
                w.data = value
            neuron.b.data = bias


# --- the engines with a Value class -------------------------------------------------------


class ValueEngine:
    """The chain and tree workloads, shared by the two engines with a Value class."""

    def chain(self, nodes):
        """x = x * a + b, with exactly ``nodes`` operation nodes; (output, (x0, a, b))."""
        V = self.Value
        x0, a, b = V(CHAIN_X0), V(CHAIN_A), V(CHAIN_B)
        x = x0
        for _ in range(nodes // 2):
            x = x * a + b
        if nodes % 2:
            x = x * a
        return x, (x0, a, b)

    def chain_forward(self, steps):
        return self.chain(2 * steps)

    def chain_backward(self, graph):
        out, (x0, a, b) = graph
        out.backward()  # micrograd's is recursive: the caller raises the recursion limit
        return x0.grad, a.grad, b.grad

    def tree_forward(self, data):
        V = self.Value
        leaves = [V(x) for x in data]
        level = leaves
        while len(level) > 1:
            pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                pairs.append(level[-1])
            level = pairs
        return level[0], leaves

    def tree_backward(self, graph):
        out, leaves = graph
        out.backward()
        return leaves[0].grad


class Scratchgrad(ValueEngine):
    name = "scratchgrad"

    def __init__(self):
        from scratchgrad.data import make_moons
        from scratchgrad.engine import Value
        from scratchgrad.nn import MLP, l2_penalty, svm_loss
        from scratchgrad.optim import SGD

        self.Value, self.MLP, self.SGD = Value, MLP, SGD
        self.make_moons, self.svm_loss, self.l2_penalty = make_moons, svm_loss, l2_penalty

    # The demo, as chapter 6 writes it: float inputs, the library's loss and optimizer.
    def demo_model(self, seed):
        return self.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", rng=seed)

    def demo_data(self, data_seed=DATA_SEED, model_seed=MODEL_SEED):
        """(X, Y, layers): the two moons as float lists, labels -1 and +1 (as in
        micrograd's demo), and the seeded model's weights, [[(weights, bias), ...]
        per layer], from which every engine starts."""
        X, Y = self.make_moons(100, noise=0.1, rng=data_seed)
        X = [[float(a), float(b)] for a, b in X]
        Y = [1.0 if y > 0 else -1.0 for y in Y]
        layers = [
            [([w.data for w in neuron.w], neuron.b.data) for neuron in layer.neurons]
            for layer in self.demo_model(model_seed).layers
        ]
        return X, Y, layers

    def demo_setup(self, layers, X, Y):
        model = self.demo_model(0)
        load_weights(model, layers)
        params = model.parameters()
        return {"model": model, "params": params, "opt": self.SGD(params, lr=1.0), "X": X, "Y": Y}

    def demo_step(self, state, k):
        model, params, opt = state["model"], state["params"], state["opt"]
        X, Y = state["X"], state["Y"]
        scores = [model(x) for x in X]
        loss = self.svm_loss(scores, Y) + self.l2_penalty(params, ALPHA)
        opt.zero_grad()
        loss.backward()
        opt.lr = learning_rate(k)
        opt.step()
        accuracy = sum((y > 0) == (s.data > 0) for y, s in zip(Y, scores)) / len(Y)
        return loss.data, accuracy

    def free(self):
        pass  # no reference cycles: a graph is freed as soon as its last reference goes


class Micrograd(ValueEngine):
    name = "micrograd"

    def __init__(self):
        from micrograd.engine import Value
        from micrograd.nn import MLP

        self.Value = Value
        self.MLP = MLP

    def demo_setup(self, layers, X, Y):
        model = self.MLP(2, [16, 16, 1])  # ReLU hidden layers, linear output, as in the demo
        load_weights(model, layers)
        return {"model": model, "X": X, "Y": Y}

    def demo_step(self, state, k):
        # micrograd's demo.ipynb, verbatim apart from the names
        Value, model, X, Y = self.Value, state["model"], state["X"], state["Y"]
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(Y, scores)]
        model.zero_grad()
        total_loss.backward()
        lr = learning_rate(k)
        for p in model.parameters():
            p.data -= lr * p.grad
        return total_loss.data, sum(accuracy) / len(accuracy)

    def free(self):
        gc.collect()  # every node is in a reference cycle: only the collector frees a graph


# --- plain floats ------------------------------------------------------------------------


class Floats:
    name = "floats"

    def demo_setup(self, layers, X, Y):
        return {"net": float_mlp(layers), "X": X, "Y": Y}

    def demo_step(self, state, k):
        return float_demo_step(state["net"], state["X"], state["Y"], learning_rate(k), ALPHA)

    def chain_forward(self, steps):
        return float_chain_forward(steps, CHAIN_X0, CHAIN_A, CHAIN_B)

    def chain_backward(self, graph):
        _, tape = graph
        return float_chain_backward(tape, CHAIN_A)

    def tree_forward(self, data):
        return float_tree_forward(list(data))

    def tree_backward(self, graph):
        return float_tree_backward(graph)[0]

    def free(self):
        pass


ENGINES = {"scratchgrad": Scratchgrad, "micrograd": Micrograd, "floats": Floats}
