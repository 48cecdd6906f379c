"""Reference side of bench/harness.ts: one persistent process per thread setting.

usage: server.py <module> <1|all|probe>
  probe  prints "ok" when the module (bench/reference/<module>.py) and its packages import, else why not
  1      limits every thread pool to one thread (set before numpy/torch load), then serves requests
  all    lets PyTorch / BLAS use every core

Requests (one JSON object per line on stdin, one reply per line on stdout):
  {"op": "setup", "id": k, "workload": name, "args": {...}}  builds WORKLOADS[name](args)
  {"op": "outputs", "id": k}                                   the workload's outputs for the check
  {"op": "time", "id": k, "reps": r}                           seconds of each of r calls of run()
"""
import importlib
import json
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    module, mode = sys.argv[1], sys.argv[2]
    if mode == "1":
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "BLIS_NUM_THREADS"):
            os.environ[var] = "1"
    sys.path.insert(0, HERE)
    try:
        mod = importlib.import_module(module)
    except Exception as e:  # noqa: BLE001 - any import failure means "skip the reference"
        msg = f"{type(e).__name__}: {e}"
        if mode == "probe":
            print(msg)
            return 1
        print(json.dumps({"skipped": msg}), flush=True)
        return 0
    if mode == "probe":
        print("ok")
        return 0
    versions = {}
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(1 if mode == "1" else os.cpu_count())
        if mode == "1":
            try:
                torch.set_num_interop_threads(1)
            except RuntimeError:
                pass
        versions["torch"] = f"{torch.__version__} ({torch.get_num_threads()} thread{'s' if torch.get_num_threads() > 1 else ''})"
    if "sklearn" in sys.modules:
        import sklearn

        versions["sklearn"] = sklearn.__version__
    try:
        from threadpoolctl import threadpool_limits

        if mode == "1":
            threadpool_limits(limits=1)  # stays in force for the process (BLAS, OpenMP)
    except ImportError:
        pass
    import numpy

    versions["numpy"] = numpy.__version__
    print(json.dumps({"ok": True, "versions": versions}), flush=True)
    workloads = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "setup":
                workloads[req["id"]] = mod.WORKLOADS[req["workload"]](req["args"])
                reply = {"ok": True}
            elif op == "outputs":
                out = workloads[req["id"]].outputs()
                reply = {"ok": True, "outputs": {k: to_json(v) for k, v in out.items()}}
            elif op == "time":
                w = workloads[req["id"]]
                secs = []
                for _ in range(int(req["reps"])):
                    t0 = time.perf_counter()
                    own = w.run()  # a workload that times itself returns its seconds
                    secs.append(own if isinstance(own, float) else time.perf_counter() - t0)
                reply = {"ok": True, "seconds": secs}
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception:  # noqa: BLE001 - reported to the harness, which fails loudly
            reply = {"error": traceback.format_exc()}
        print(json.dumps(reply), flush=True)
    return 0


def to_json(v):
    if hasattr(v, "detach"):
        v = v.detach().cpu().numpy()
    if hasattr(v, "tolist"):
        return v.tolist()
    return v


if __name__ == "__main__":
    sys.exit(main())
