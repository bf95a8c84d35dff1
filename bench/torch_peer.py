#!/usr/bin/python3
"""The PyTorch peer of the benchmark: the numpy peer's formulas with float32 CPU tensors.

Same data, same seeded initial weights (numpy_peer.initial_state) and the same line protocol
as bench/numpy_peer.py, plus the idiomatic autograd version on its own copy of the
weights:

  setup <m> <hidden>   -> "ready torch <version> threads <n>"
  iterate              -> "<ms> <loss>"      the formulas written out (forward, backward, step)
  autograd             -> "<ms> <loss>"      loss.backward() and a torch.no_grad() step
  epoch <batch> <threads> [<steps>] -> "<ms> <loss>"   one epoch of mini-batches (seeded
                       shuffle, learning rate 0.1), the formulas written out, on <threads>
                       threads; only its first <steps> batches when given (a probe)
  idiomatic <batch> <threads> [<steps>] -> "<ms> <loss>"   the same epoch as a user writes it:
                       nn.Sequential of two nn.Linear, CrossEntropyLoss, optim.SGD, samples as
                       rows, randperm slices (its own copy of the weights)
  quit

Debian's torch starts with one thread; we ask for one per core, as numpy's BLAS uses.
"""
import os

import torch

from numpy_peer import FLOOR, LEARNING_RATE, initial_state, read_training_set, serve

ETA = float(LEARNING_RATE)
MINI_BATCH_ETA = 0.1
TINY = float(FLOOR)
PARAMETERS = ("W_h", "b_h", "W_o", "b_o")


def main():
    default_threads = torch.get_num_threads()
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    images, labels = read_training_set()

    def setup(m, hidden):
        s = initial_state(images, labels, m, hidden)
        state = {k: torch.from_numpy(v) for k, v in s.items()}
        state["columns"] = torch.arange(state["X"].shape[1])
        # samples as rows, so that a mini-batch is a gather of contiguous rows
        state["rows"] = state["X"].T.contiguous()
        state["shuffle"] = torch.Generator().manual_seed(1)
        # autograd trains its own copy of the weights
        graph = dict(X=state["X"], y=state["y"])
        graph.update({k: state[k].clone().requires_grad_(True) for k in PARAMETERS})
        graph["model"] = sequential(state)
        graph["shuffle"] = torch.Generator().manual_seed(1)
        return (state, graph), (f"ready torch {torch.__version__} threads "
                                f"{torch.get_num_threads()} default {default_threads}")

    serve(setup, {"iterate": lambda sg: float(iterate(sg[0])),
                  "autograd": lambda sg: iterate_autograd(sg[1]),
                  "epoch": lambda sg, *args: epoch(sg[0], *args),
                  "idiomatic": lambda sg, *args: idiomatic_epoch(sg[0], sg[1], *args)})


def iterate(s, X=None, Y=None, y=None, columns=None, eta=ETA):
    """One gradient step on X (784, m), all samples by default; returns the loss tensor."""
    if X is None:
        X, Y, y, columns = s["X"], s["Y"], s["y"], s["columns"]
    W_h, b_h, W_o, b_o = s["W_h"], s["b_h"], s["W_o"], s["b_o"]
    m = X.shape[1]
    Z_h = W_h @ X + b_h
    A_h = Z_h.clamp_min(0)
    Z_o = W_o @ A_h + b_o
    E = (Z_o - Z_o.max(dim=0, keepdim=True).values).exp()
    A_o = E / E.sum(dim=0, keepdim=True)
    loss = -A_o[y, columns].clamp_min(TINY).log().mean()
    dZ_o = A_o - Y
    dW_o = dZ_o @ A_h.T / m
    db_o = dZ_o.sum(dim=1, keepdim=True) / m
    dA_h = W_o.T @ dZ_o
    dZ_h = dA_h * (Z_h > 0)
    dW_h = dZ_h @ X.T / m
    db_h = dZ_h.sum(dim=1, keepdim=True) / m
    W_h.sub_(eta * dW_h)
    b_h.sub_(eta * db_h)
    W_o.sub_(eta * dW_o)
    b_o.sub_(eta * db_o)
    return loss


def epoch(s, batch, threads, steps=None):
    """One epoch of mini-batches of `batch` samples in a fresh seeded order (its first
    `steps` batches if given); the mean loss."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    rows, Y, y, columns = s["rows"], s["Y"], s["y"], s["columns"]
    m = rows.shape[0]
    order = torch.randperm(m, generator=s["shuffle"])
    total = torch.zeros(())
    end = m if steps is None else min(m, steps * batch)
    for start in range(0, end, batch):
        j = order[start:start + batch]
        n = j.shape[0]
        # rows[j].T: the batch's samples as columns, a view that matmul reads transposed
        total += n * iterate(s, rows[j].T, Y[:, j], y[j], columns[:n], MINI_BATCH_ETA)
    torch.set_num_threads(previous)
    return float(total) / end


def sequential(s):
    """784 → hidden → 10 as nn.Sequential, starting from the peer's initial weights."""
    hidden = s["W_h"].shape[0]
    model = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(),
                                torch.nn.Linear(hidden, 10))
    with torch.no_grad():
        model[0].weight.copy_(s["W_h"])
        model[0].bias.copy_(s["b_h"][:, 0])
        model[2].weight.copy_(s["W_o"])
        model[2].bias.copy_(s["b_o"][:, 0])
    return model


def idiomatic_epoch(s, g, batch, threads, steps=None):
    """One epoch the way PyTorch's tutorials train: a fresh randperm cut into slices, each
    batch's rows indexed, zero_grad, loss.backward(), optimizer.step(); the mean loss."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    rows, y, model = s["rows"], s["y"], g["model"]
    g.setdefault("optimizer", torch.optim.SGD(model.parameters(), lr=MINI_BATCH_ETA))
    optimizer, loss_fn = g["optimizer"], torch.nn.CrossEntropyLoss()
    m = rows.shape[0]
    end = m if steps is None else min(m, steps * batch)
    order = torch.randperm(m, generator=g["shuffle"])
    total = torch.zeros(())
    for start in range(0, end, batch):
        j = order[start:start + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(rows[j]), y[j])
        loss.backward()
        optimizer.step()
        total += loss.detach() * j.shape[0]
    torch.set_num_threads(previous)
    return float(total) / end


def iterate_autograd(g):
    X, y = g["X"], g["y"]
    Z_h = g["W_h"] @ X + g["b_h"]
    Z_o = g["W_o"] @ torch.relu(Z_h) + g["b_o"]
    # cross_entropy takes samples as rows; it applies log-softmax itself
    loss = torch.nn.functional.cross_entropy(Z_o.T, y)
    loss.backward()
    with torch.no_grad():
        for k in PARAMETERS:
            g[k] -= ETA * g[k].grad
            g[k].grad = None
    return float(loss)


if __name__ == "__main__":
    main()
