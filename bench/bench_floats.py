"""The benchmark workloads in plain Python floats, with hand-written backward passes.

This is the practical limit of pure Python for these workloads: no objects per
operation, no graph, just the arithmetic and the few lists that the backward
pass needs (the "tape").  The graph engines are compared against it.
Benchmark-only: not part of the library, not collected by pytest.
"""


# --- the demo: MLP(2, [16, 16, 1]), SVM max-margin loss + L2, SGD ------------------


def float_mlp(layers):
    """A float copy of an MLP given as [[(weights, bias), ...], ...] (one list per layer).

    Returns a list of layers, each ``[W, B, relu]``: W a list of weight rows, B the
    biases, relu whether the layer applies ReLU (all but the last, as in micrograd's
    demo).
    """
    net = []
    for index, layer in enumerate(layers):
        W = [[float(w) for w in weights] for weights, _ in layer]
        B = [float(bias) for _, bias in layer]
        net.append([W, B, index < len(layers) - 1])
    return net


def float_parameters(net):
    """The parameters in the order of micrograd's and scratchgrad's ``parameters()``."""
    return [
        value for W, B, _ in net for row, bias in zip(W, B) for value in (*row, bias)
    ]


def float_demo_step(net, X, Y, lr, alpha=1e-4):
    """One training step in place: forward, SVM loss + alpha * L2, backward, SGD.

    Returns (loss, accuracy) of the forward pass, like micrograd's demo.
    The forward sums run in the same order as the engines' (bias first, then
    w_i * x_i left to right), so the scores are bitwise the same.
    """
    n = len(X)
    last = len(net) - 1
    gW = [[[0.0] * len(row) for row in W] for W, _, _ in net]
    gB = [[0.0] * len(B) for _, B, _ in net]
    data_loss = 0.0
    correct = 0
    for x, y in zip(X, Y):
        inputs = []  # the input of each layer
        pres = []  # the pre-activations of each layer
        h = x
        for W, B, relu in net:
            inputs.append(h)
            z = []
            for row, b in zip(W, B):
                acc = b
                for w, hi in zip(row, h):
                    acc += w * hi
                z.append(acc)
            pres.append(z)
            h = [v if v > 0.0 else 0.0 for v in z] if relu else z
        score = h[0]
        correct += (y > 0) == (score > 0)
        margin = 1.0 - y * score
        if not margin > 0.0:
            continue  # relu(margin) is 0 here, and so is its slope: nothing to propagate
        data_loss += margin
        dh = [-y / n]
        for index in range(last, -1, -1):
            W, _, relu = net[index]
            hin = inputs[index]
            z = pres[index]
            gWl, gBl = gW[index], gB[index]
            dhin = [0.0] * len(hin) if index else None
            for j, row in enumerate(W):
                d = dh[j]
                if relu and not z[j] > 0.0:
                    continue
                if d == 0.0:
                    continue
                gBl[j] += d
                grow = gWl[j]
                for i, hi in enumerate(hin):
                    grow[i] += d * hi
                if dhin is not None:
                    for i, w in enumerate(row):
                        dhin[i] += d * w
            dh = dhin
    reg = 0.0
    for W, B, _ in net:
        for row, b in zip(W, B):
            for w in row:
                reg += w * w
            reg += b * b
    loss = data_loss / n + alpha * reg
    twice_alpha = 2.0 * alpha
    for (W, B, _), gWl, gBl in zip(net, gW, gB):
        for j, (row, grow) in enumerate(zip(W, gWl)):
            for i, (w, g) in enumerate(zip(row, grow)):
                row[i] = w - lr * (g + twice_alpha * w)
            b = B[j]
            B[j] = b - lr * (gBl[j] + twice_alpha * b)
    return loss, correct / n


# --- the chain x = x * a + b ---------------------------------------------------------


def float_chain_forward(steps, x, a, b):
    """x = x * a + b, ``steps`` times (2 * steps operations); returns (x, tape).

    The tape keeps what the backward pass needs: each x that was multiplied by a.
    """
    tape = []
    record = tape.append
    for _ in range(steps):
        record(x)
        x = x * a + b
    return x, tape


def float_chain_backward(tape, a):
    """The gradients (d out/d x0, d out/d a, d out/d b) of the chain's output."""
    g = 1.0  # d out / d x, from the end of the chain backwards
    ga = gb = 0.0
    for x in reversed(tape):
        ga += g * x  # through x * a
        gb += g  # through + b
        g *= a
    return g, ga, gb


# --- the balanced sum tree -------------------------------------------------------------


def float_tree_forward(leaves):
    """Sum ``leaves`` pairwise, level by level; returns the levels (the last is [total])."""
    levels = [leaves]
    level = leaves
    while len(level) > 1:
        pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            pairs.append(level[-1])  # the odd one out goes up unchanged
        levels.append(pairs)
        level = pairs
    return levels


def float_tree_backward(levels):
    """The gradient of the total with respect to every leaf, level by level."""
    grads = [1.0]
    for level in reversed(levels[:-1]):
        # each sum passes its gradient to both its terms; a carried odd leaf is cut
        # off by the slice, since it got only one copy
        grads = [g for g in grads for _ in (0, 1)][: len(level)]
    return grads
