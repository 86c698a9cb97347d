"""A small jupyter_client harness for the kernel tests: run cells, play the front end's part
of comms (send comm_open/comm_msg/comm_close with buffers), and collect IOPub messages by
parent so interleaved replies can be checked precisely."""

import ast
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

KERNEL_NAME = "activation-lab"


class KernelSession:
    def __init__(self, kernel_name=KERNEL_NAME, startup_timeout=60):
        self.km, self.kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=startup_timeout)
        # IOPub messages read while looking for other parents, kept for later lookups.
        self._stash = []

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)

    # --- sending ---------------------------------------------------------------------

    def send_shell(self, msg_type, content, buffers=None, metadata=None):
        msg = self.kc.session.msg(msg_type, content, metadata=metadata or {})
        self.kc.session.send(self.kc.shell_channel.socket, msg, buffers=buffers or [])
        return msg["header"]["msg_id"]

    def comm_msg(self, comm_id, data, buffers=None):
        return self.send_shell("comm_msg", {"comm_id": comm_id, "data": data}, buffers=buffers)

    def widget_update(self, comm_id, state, buffer_paths=(), buffers=None):
        return self.comm_msg(comm_id, {"method": "update", "state": state, "buffer_paths": list(buffer_paths)}, buffers)

    # --- receiving -------------------------------------------------------------------

    def _next_iopub(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("timed out waiting for IOPub")
        return self.kc.get_iopub_msg(timeout=remaining)

    def outputs_for(self, parent_id, timeout=30):
        """IOPub messages whose parent is parent_id, from busy to idle (both excluded)."""
        deadline = time.monotonic() + timeout
        out = []
        pending = [m for m in self._stash if m["parent_header"].get("msg_id") == parent_id]
        self._stash = [m for m in self._stash if m["parent_header"].get("msg_id") != parent_id]
        while True:
            if pending:
                msg = pending.pop(0)
            else:
                try:
                    msg = self._next_iopub(deadline)
                except Empty:
                    raise TimeoutError(f"no idle for {parent_id}; got {[m['msg_type'] for m in out]}")
                if msg["parent_header"].get("msg_id") != parent_id:
                    self._stash.append(msg)
                    continue
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    return out
                continue
            out.append(msg)

    def shell_reply(self, parent_id, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == parent_id:
                return reply

    def execute(self, code, timeout=60, **kwargs):
        """Runs a cell; returns (reply content, IOPub messages of the cell)."""
        msg_id = self.kc.execute(code, **kwargs)
        outputs = self.outputs_for(msg_id, timeout=timeout)
        reply = self.shell_reply(msg_id, timeout=timeout)
        return reply["content"], outputs

    def value(self, code, timeout=60):
        """The text/plain result of a cell, as a Python value where it is a literal."""
        reply, outputs = self.execute(code, timeout=timeout)
        if reply["status"] != "ok":
            raise AssertionError(f"{code!r} failed: {reply.get('ename')}: {reply.get('evalue')}")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        if not results:
            return None
        text = results[0]["content"]["data"]["text/plain"]
        try:
            return ast.literal_eval(text.replace("true", "True").replace("false", "False"))
        except (ValueError, SyntaxError):
            return text


def comm_messages(outputs, method=None):
    """The comm_msg data from a list of IOPub messages, optionally of one widget method."""
    found = [m for m in outputs if m["msg_type"] == "comm_msg"]
    if method is not None:
        found = [m for m in found if m["content"]["data"].get("method") == method]
    return found


def stdout_text(outputs):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
