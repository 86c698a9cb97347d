"""The kernel behind jupyter_server, the way JupyterLab reaches it: started by name over REST
from a notebook folder without node_modules, driven over the kernel WebSocket, interrupted
and restarted through the REST API."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.request
import uuid

from tornado.websocket import websocket_connect

TOKEN = uuid.uuid4().hex


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerKernel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={cls.port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={os.getcwd()}", "--allow-root"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                cls.rest("GET", "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline or cls.server.poll() is not None:
                    raise
                time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        for kernel in cls.rest("GET", "/api/kernels"):
            cls.rest("DELETE", f"/api/kernels/{kernel['id']}")
        cls.server.terminate()
        cls.server.wait(timeout=30)

    @classmethod
    def rest(cls, method, path, body=None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{cls.port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            text = resp.read()
            return json.loads(text) if text else None

    async def connect(self, kernel_id):
        url = f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}&token={TOKEN}"
        return await websocket_connect(url)

    @staticmethod
    def message(msg_type, content, channel="shell"):
        return {
            "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "ws", "username": "test",
                       "date": "2026-01-01T00:00:00Z", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": [],
        }

    async def run_cell(self, ws, code, timeout=60):
        """Executes a cell over the WebSocket: (reply content, IOPub messages of the cell)."""
        msg = self.message("execute_request", {"code": code, "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        await ws.write_message(json.dumps(msg))
        outputs, reply, idle = [], None, False
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            raw = await asyncio.wait_for(ws.read_message(), max(0.1, deadline - time.monotonic()))
            if not isinstance(raw, str):
                continue
            got = json.loads(raw)
            if got["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            if got["channel"] == "shell":
                reply = got["content"]
            elif got["msg_type"] == "status":
                idle = got["content"]["execution_state"] == "idle"
            else:
                outputs.append(got)
        return reply, outputs

    def test_start_execute_interrupt_and_restart_through_the_server(self):
        kernel = self.rest("POST", "/api/kernels", {"name": "activation-lab"})
        self.assertEqual(kernel["name"], "activation-lab")
        self.assertFalse(os.path.exists(os.path.join(os.getcwd(), "node_modules")))

        async def scenario():
            ws = await self.connect(kernel["id"])
            reply, outputs = await self.run_cell(ws, 'import * as al from "activation-lab"; const kept = al.listActivations().length; kept > 10')
            self.assertEqual(reply["status"], "ok", reply)
            self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["true"])

            # Interrupt a busy loop through REST while the cell runs.
            loop = asyncio.ensure_future(self.run_cell(ws, "while (true) {}"))
            await asyncio.sleep(1.0)
            self.rest("POST", f"/api/kernels/{kernel['id']}/interrupt")
            reply, _ = await asyncio.wait_for(loop, 30)
            self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"))
            reply, outputs = await self.run_cell(ws, "kept > 10")
            self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["true"])
            ws.close()

            # A restart gives a fresh kernel: the old variable is gone, the kernel works.
            self.rest("POST", f"/api/kernels/{kernel['id']}/restart")
            ws = await self.connect(kernel["id"])
            reply, _ = await self.run_cell(ws, "typeof (globalThis as any).kept")
            self.assertEqual(reply["status"], "ok", reply)
            reply, outputs = await self.run_cell(ws, "kept")
            self.assertEqual(reply["status"], "error")
            self.assertEqual(reply["ename"], "TypeScriptError")
            ws.close()

        asyncio.run(scenario())


if __name__ == "__main__":
    unittest.main()
