"""Checks kernel-ext/server/activation_lab_server.py against jupyter_server's real classes.

Run by server-extension.test.ts with the repo venv's Python; prints one JSON line of findings
(the test asserts on them), exits non-zero only when the module cannot be imported at all.
"""
import asyncio
import json
import logging
import sys

sys.path.insert(0, sys.argv[1])
import activation_lab_server as ext  # noqa: E402
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection  # noqa: E402

found = {}
found["points"] = ext._jupyter_server_extension_points()


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.levelname}: {record.getMessage()}")


class FakeApp:
    def __init__(self, settings):
        self.web_app = type("WebApp", (), {"settings": settings})()
        self.log = logging.getLogger(f"fake-{id(self)}")
        self.log.setLevel(logging.INFO)
        self.recorder = Recorder()
        self.log.addHandler(self.recorder)


# The real default class: wrapped into a subclass, so its config sections still apply.
app = FakeApp({"kernel_websocket_connection_class": ZMQChannelsWebsocketConnection})
ext._load_jupyter_server_extension(app)
wrapped = app.web_app.settings["kernel_websocket_connection_class"]
found["real_subclass"] = issubclass(wrapped, ZMQChannelsWebsocketConnection) and wrapped is not ZMQChannelsWebsocketConnection
found["real_name"] = wrapped.__name__
found["log"] = app.recorder.lines
# Loading twice (two config files enabling it) must not wrap twice.
ext._load_jupyter_server_extension(app)
found["idempotent"] = app.web_app.settings["kernel_websocket_connection_class"] is wrapped

# Order of events on a stand-in connection: the socket option is set before the kernel connects.
events = []


class FakeWsConnection:
    pass


class FakeHandler:
    ws_connection = FakeWsConnection()

    def set_nodelay(self, value):
        events.append(("set_nodelay", value))


class FakeBase:
    def __init__(self, handler):
        self.websocket_handler = handler

    async def connect(self):
        events.append(("connect",))
        return "connected"


fake_app = FakeApp({"kernel_websocket_connection_class": FakeBase})
ext._load_jupyter_server_extension(fake_app)
conn = fake_app.web_app.settings["kernel_websocket_connection_class"](FakeHandler())
found["connect_result"] = asyncio.run(conn.connect())
found["events"] = list(events)

# A handler whose websocket is not open yet is left alone (tornado would assert).
events.clear()
closed = FakeHandler()
closed.ws_connection = None
asyncio.run(fake_app.web_app.settings["kernel_websocket_connection_class"](closed).connect())
found["events_without_socket"] = list(events)

# A server without the setting: a warning, nothing replaced.
empty = FakeApp({})
ext._load_jupyter_server_extension(empty)
found["empty_settings"] = dict(empty.web_app.settings)
found["empty_log"] = empty.recorder.lines
print(json.dumps(found, default=str))
