#!/usr/bin/python3
"""Execute the project's notebooks through Deno's Jupyter kernel.

  tools/nbrun.py [--check] [--timeout S] [NOTEBOOK ...]

With no notebook, runs every notebooks/*.ipynb in order. By default each notebook is
executed top to bottom in a fresh kernel and its outputs are written back in place
(atomically; nothing is written when a cell fails). With --check the outputs are
compared with the stored ones instead, and any difference fails: stale outputs are a bug.
Consecutive printed lines of a cell are stored as one stream output.

Uses the repo's own kernelspec (jupyter/kernels/deno) and keeps reading a cell's
outputs briefly after the kernel reports idle, because the Deno kernel sometimes
publishes them just after (stock nbconvert loses them). Ends with `N passed, N failed`.
"""
import argparse
import asyncio
import copy
import difflib
import glob
import json
import os
import sys
import time
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DenoClient(NotebookClient):
    grace = 0.05

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        idle = False
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.grace if idle else None))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True


def coalesce_streams(nb):
    """One output per run of printed lines: the kernel sends every console.log as its own
    stream message; consecutive ones of the same stream are joined, as JupyterLab shows them."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (out.get("output_type") == "stream" and prev is not None
                    and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
                prev["text"] = "".join(prev["text"]) + "".join(out["text"])
            else:
                merged.append(out)
        cell["outputs"] = merged


def outputs_of(nb):
    """What must match between a stored and a fresh run: each code cell's outputs and count."""
    return [
        {"execution_count": c.get("execution_count"), "outputs": c.get("outputs", [])}
        for c in nb.cells
        if c.cell_type == "code"
    ]


def describe_difference(stored, fresh):
    for i, (a, b) in enumerate(zip(outputs_of(stored), outputs_of(fresh))):
        if a != b:
            left = json.dumps(a, indent=1, sort_keys=True).splitlines()
            right = json.dumps(b, indent=1, sort_keys=True).splitlines()
            diff = list(difflib.unified_diff(left, right, "stored", "fresh", lineterm="", n=1))
            shown = [line[:200] for line in diff[:30]]
            return f"code cell {i + 1} differs:\n" + "\n".join(shown)
    return "cell count differs"


def run(path, check, timeout):
    rel = os.path.relpath(path, ROOT)
    stored = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(stored)
    client = DenoClient(
        nb,
        timeout=timeout,
        kernel_name="deno",
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(path)}},
    )
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"FAIL {rel}: a cell raised an error:\n{e}", file=sys.stderr)
        return False
    except CellTimeoutError:
        print(f"FAIL {rel}: a cell ran longer than {timeout} s", file=sys.stderr)
        return False
    except DeadKernelError as e:
        print(f"FAIL {rel}: the kernel died ({e})", file=sys.stderr)
        return False
    seconds = time.monotonic() - start
    coalesce_streams(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    print(f"FAIL {rel}: error output {out.get('ename')}: {out.get('evalue')}", file=sys.stderr)
                    return False
    if check:
        if outputs_of(stored) != outputs_of(nb):
            print(f"FAIL {rel}: stored outputs are stale; run `deno task notebooks:run`.\n"
                  + describe_difference(stored, nb), file=sys.stderr)
            return False
        print(f"ok   {rel} ({seconds:.1f} s, outputs match)")
        return True
    tmp = path + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    print(f"ok   {rel} ({seconds:.1f} s, outputs written)")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--check", action="store_true", help="compare outputs with the stored ones, write nothing")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = parser.parse_args()
    paths = args.notebooks or sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    for p in paths:
        if not os.path.isfile(p):
            print(f"error: {p}: no such notebook", file=sys.stderr)
            return 1
    os.environ["NO_COLOR"] = "1"
    os.environ["JUPYTER_PATH"] = os.path.join(ROOT, "jupyter")
    passed = failed = 0
    for p in paths:
        if run(os.path.abspath(p), args.check, args.timeout):
            passed += 1
        else:
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
