"""Kernel-only part of the explorer's slider round trip, for bench/widget-latency.ts.

Talks to the activation-lab kernel over ZMQ with jupyter_client (no server, no browser):
sends the comm_msg a slider sends and times the update carrying the new curves.
Prints one JSON line: {"median": ms, "p95": ms, "n": presses}.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

PRESSES = int(sys.argv[1]) if len(sys.argv) > 1 else 60
ACTIVATIONS = ["relu", "leaky_relu", "elu", "swish"]


def main() -> None:
    km, kc = start_new_kernel(kernel_name="activation-lab")
    try:
        kc.execute_interactive('import * as al from "activation-lab";', timeout=120)
        found = {}

        def grab(msg):
            if msg["msg_type"] == "comm_open" and msg["content"]["data"]["state"].get("_model_name") == "ActivationExplorerModel":
                found["id"] = msg["content"]["comm_id"]

        kc.execute_interactive(f"al.explore({json.dumps(ACTIVATIONS)}, {{ points: 1201 }})", output_hook=grab, timeout=120)
        while True:  # drain what the first computation published
            try:
                kc.get_iopub_msg(timeout=0.5)
            except Exception:
                break
        times = []
        for i in range(PRESSES):
            params = {"relu": {}, "leaky_relu": {"alpha": 0.02 + 0.002 * i}, "elu": {"alpha": 1}, "swish": {"beta": 1}}
            start = time.perf_counter()
            kc.session.send(kc.shell_channel.socket, "comm_msg", {"comm_id": found["id"], "data": {"method": "update", "state": {"params": params}, "buffer_paths": []}})
            while True:
                data = kc.get_iopub_msg(timeout=10)["content"].get("data", {})
                if data.get("method") == "update" and "curves" in data.get("state", {}):
                    times.append((time.perf_counter() - start) * 1000)
                    break
            time.sleep(0.02)
        times.sort()
        print(json.dumps({"median": times[len(times) // 2], "p95": times[int(0.95 * (len(times) - 1))], "n": len(times)}))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
