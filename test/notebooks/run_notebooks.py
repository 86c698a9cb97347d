"""Execute notebooks headless on the activation-lab kernel with nbclient.

    python run_notebooks.py [--timeout 120] [--jobs 2] [--write-back] [--html OUTDIR] NOTEBOOK...

For each notebook prints one JSON line: {"path", "seconds", "errors", "texts", "claims"} where
`errors` lists error outputs ("ename: evalue") and cell-level failures, `texts` is every
stream text and text/plain result, in order, and `claims` every claim card the notebook
showed ({"id", "says", "verdict", "measured"}, the claim MIME payload).
--write-back saves the executed notebook (outputs and widget state) over the original;
--html also writes OUTDIR/<name>.html with nbconvert. --jobs runs that many notebooks at
once, each in its own process with its own kernel (the kernels compute on one core each).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def texts_of(nb):
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o.get("text", ""))
            elif o.get("output_type") in ("execute_result", "display_data"):
                plain = o.get("data", {}).get("text/plain")
                if plain:
                    out.append(plain if isinstance(plain, str) else "".join(plain))
    return out


CLAIM_MIME = "application/vnd.activation-lab.claim+json"


def claims_of(nb):
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") in ("execute_result", "display_data") and CLAIM_MIME in o.get("data", {}):
                card = o["data"][CLAIM_MIME]
                out.append(json.loads(card) if isinstance(card, str) else card)
    return out


def errors_of(nb):
    errs = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                errs.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
    return errs


def execute(path, timeout):
    """Runs one notebook; returns (nb, seconds, errors, kernel_started)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":  # the saved run's counts and outputs must not pass for this run's
            cell.execution_count = None
            cell.outputs = []
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="activation-lab",
        allow_errors=True,
        store_widget_state=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    errors = []
    t0 = time.time()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as e:
        errors.append(f"{type(e).__name__}: {str(e)[:2000]}")
    seconds = time.time() - t0
    started = any(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    return nb, seconds, errors_of(nb) + errors, started


def run_one(path, timeout, write_back, html_dir):
    nb, seconds, errors, started = execute(path, timeout)
    retried = None
    if errors and not started:
        # The kernel never ran a cell (it did not start or answer in time: a busy machine, a port
        # taken between jupyter_client choosing it and the kernel binding it). That says nothing
        # about the notebook, so it gets one more try; the result says so. A failure after the
        # first cell ran is the notebook's own and is never retried.
        retried = f"the kernel ran no cell on the first try ({'; '.join(errors)[:500]}), so it was started again"
        nb, seconds, errors, started = execute(path, timeout)
    if write_back and not errors:
        nbformat.write(nb, path)
    if html_dir and not errors:
        from nbconvert import HTMLExporter

        os.makedirs(html_dir, exist_ok=True)
        body, _ = HTMLExporter().from_notebook_node(nb)
        name = os.path.splitext(os.path.basename(path))[0] + ".html"
        with open(os.path.join(html_dir, name), "w", encoding="utf-8") as f:
            f.write(body)
    result = {"path": path, "seconds": round(seconds, 2), "errors": errors, "texts": texts_of(nb), "claims": claims_of(nb)}
    if retried:
        result["retried"] = retried
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--write-back", action="store_true")
    ap.add_argument("--html")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("notebooks", nargs="+")
    a = ap.parse_args()
    if a.jobs > 1 and len(a.notebooks) > 1:
        sys.exit(run_parallel(a))
    failed = False
    for path in a.notebooks:
        r = run_one(path, a.timeout, a.write_back, a.html)
        failed = failed or bool(r["errors"])
        print(json.dumps(r), flush=True)
    sys.exit(1 if failed else 0)


def run_parallel(a):
    """Runs each notebook in a child process of this script, a.jobs at a time; relays their lines."""
    flags = ["--timeout", str(a.timeout)] + (["--write-back"] if a.write_back else []) + (["--html", a.html] if a.html else [])
    pending = list(a.notebooks)
    running = []
    failed = False
    while pending or running:
        while pending and len(running) < a.jobs:
            path = pending.pop(0)
            # a file, not a pipe: a child's result line can exceed the pipe's buffer before we read it
            sink = tempfile.TemporaryFile(mode="w+")
            log = tempfile.TemporaryFile(mode="w+")
            proc = subprocess.Popen([sys.executable, __file__, *flags, path], stdout=sink, stderr=log, text=True)
            running.append((path, sink, log, proc))
        time.sleep(0.2)
        for entry in list(running):
            path, sink, log, proc = entry
            if proc.poll() is None:
                continue
            running.remove(entry)
            sink.seek(0)
            out = sink.read()
            sink.close()
            log.seek(0)
            stderr = log.read()
            log.close()
            # the kernel's and the runner's own stderr, kept for a failed notebook: a crash says why there
            sys.stderr.write(stderr)
            results = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
            if not results:
                results = [{"path": path, "seconds": 0, "errors": [f"runner exited {proc.returncode} without a result"], "texts": [], "claims": []}]
            for r in results:
                if r["errors"] and stderr.strip():
                    r["stderr"] = stderr[-3000:]
                failed = failed or bool(r["errors"])
                print(json.dumps(r), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    main()
