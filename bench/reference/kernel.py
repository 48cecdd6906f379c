"""ipykernel reference for bench/kernel-overhead.ts: the same kernel round trips as the project's
tslab kernel, through jupyter_client (the client stock Jupyter uses).

start       spawn until the kernel answers kernel_info (wait_for_ready); the shutdown is not timed
first_cell  the first execute_request `1` of a fresh kernel, request to idle
empty_cell  execute_request "" on a running kernel, request to idle
"""
import atexit
import time

import ipykernel  # noqa: F401 - the kernel must be importable here
from jupyter_client.manager import start_new_kernel

REQUIRES = ("jupyter_client", "ipykernel")


def execute(kc, code):
    reply = kc.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell {code!r} failed: {reply['content']}")


class Start:
    def __init__(self, args):
        self.code = args.get("code")

    def outputs(self):
        return {}

    def run(self):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", startup_timeout=60)
        took = time.perf_counter() - t0
        try:
            if self.code is not None:
                t0 = time.perf_counter()
                execute(kc, self.code)
                took = time.perf_counter() - t0
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        return took


class Cell:
    def __init__(self, args):
        self.code = args["code"]
        self.km, self.kc = start_new_kernel(kernel_name="python3", startup_timeout=60)
        atexit.register(self.close)  # the server exits when the harness closes its stdin

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def outputs(self):
        return {}

    def run(self):
        execute(self.kc, self.code)


WORKLOADS = {"start": Start, "first_cell": lambda a: Start({"code": "1"}), "cell": Cell}
