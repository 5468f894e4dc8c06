"""The three contestants of ``bench/run.py``, behind one small interface.

- ``scratchgrad``: the library tangled from the book (``code/scratchgrad``);
- ``micrograd``: Karpathy's micrograd 0.1.0 from PyPI, used the way its demo
  notebook uses it;
- ``floats``: plain Python floats with hand-written backward passes
  (``bench_floats.py``).

Every engine runs the same workloads on the same numbers: the demo trains from
the same initial weights on the same two moons, so the three loss curves agree
(to rounding; see ``check_agreement`` in run.py).
Benchmark-only: not part of the library, not collected by pytest.
"""

import gc
import importlib
import pkgutil

from bench_floats import (
    float_chain_backward,
    float_chain_forward,
    float_demo_step,
    float_mlp,
    float_tree_backward,
    float_tree_forward,
)

# The chain's constants: |a| < 1 keeps x bounded however long the chain is.
CHAIN_X0, CHAIN_A, CHAIN_B = 0.5, 0.999, 0.001
ALPHA = 1e-4  # the L2 weight of micrograd's demo
DEMO_STEPS = 100  # the learning rate schedule 1.0 - 0.9 * k / 100 of micrograd's demo


def learning_rate(k):
    return 1.0 - 0.9 * (k % DEMO_STEPS) / DEMO_STEPS


def find(package, name):
    """``name`` from whichever module of ``package`` defines it (the chapters decide where)."""
    pkg = importlib.import_module(package)
    if hasattr(pkg, name):
        return getattr(pkg, name)
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        if name in vars(module):
            return vars(module)[name]
    raise LookupError(f"{package} has no {name!r}")


def find_first(package, *names):
    for name in names:
        try:
            return find(package, name)
        except LookupError:
            pass
    raise LookupError(f"{package} has none of {names}")


# --- scratchgrad -----------------------------------------------------------------------


class ValueEngine:
    """The chain and tree workloads, shared by the two engines with a Value class."""

    def chain_forward(self, steps):
        V = self.Value
        x, a, b = V(CHAIN_X0), V(CHAIN_A), V(CHAIN_B)
        leaves = (x, a, b)
        for _ in range(steps):
            x = x * a + b
        return x, leaves

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
        self.Value = find("scratchgrad", "Value")
        self.MLP = find("scratchgrad", "MLP")
        self.make_moons = find("scratchgrad", "make_moons")
        self.svm_loss = find_first("scratchgrad", "svm_loss", "hinge_loss", "max_margin_loss")
        self.l2_penalty = find("scratchgrad", "l2_penalty")
        self.SGD = find("scratchgrad", "SGD")

    # The demo, as chapter 6 writes it: float inputs, the library's loss and optimizer.
    def demo_model(self, seed):
        return self.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", rng=seed)

    def initial_weights(self, seed):
        """[[(weights, bias), ...] per layer] of the seeded model: all engines start here."""
        model = self.demo_model(seed)
        return [
            [([w.data for w in neuron.w], neuron.b.data) for neuron in layer.neurons]
            for layer in model.layers
        ]

    def demo_setup(self, layers, X, Y):
        model = self.demo_model(0)
        for layer, init in zip(model.layers, layers):
            for neuron, (weights, bias) in zip(layer.neurons, init):
                for w, value in zip(neuron.w, weights):
                    w.data = value
                neuron.b.data = bias
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


# --- micrograd ---------------------------------------------------------------------------


class Micrograd(ValueEngine):
    name = "micrograd"

    def __init__(self):
        from micrograd.engine import Value
        from micrograd.nn import MLP

        self.Value = Value
        self.MLP = MLP

    def demo_setup(self, layers, X, Y):
        model = self.MLP(2, [16, 16, 1])  # ReLU hidden layers, linear output, as in the demo
        for layer, init in zip(model.layers, layers):
            for neuron, (weights, bias) in zip(layer.neurons, init):
                for w, value in zip(neuron.w, weights):
                    w.data = value
                neuron.b.data = bias
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
