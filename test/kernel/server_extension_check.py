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
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager  # noqa: E402
from traitlets.config import Config, Configurable  # noqa: E402

found = {}
found["points"] = ext._jupyter_server_extension_points()


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.levelname}: {record.getMessage()}")


class FakeLoop:
    """Collects callbacks, as the server's IOLoop would before it starts."""

    def __init__(self):
        self.callbacks = []

    def add_callback(self, fn, *args):
        self.callbacks.append((fn, args))

    def run(self):
        while self.callbacks:
            fn, args = self.callbacks.pop(0)
            fn(*args)


class FakeApp(Configurable):
    """Stands in for the ServerApp: a Configurable (the extension reads its options from it)."""

    def __init__(self, settings, config=None, io_loop=None, kernel_manager=None):
        super().__init__(config=Config(config or {}))
        self.web_app = type("WebApp", (), {"settings": settings})()
        self.io_loop = io_loop
        self.kernel_manager = kernel_manager
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

# The kernel status around widget messages. The server's real default list of untracked types:
server_list = MappingKernelManager.class_traits()["untracked_message_types"].default()
found["server_list_has_comm_msg"] = "comm_msg" in server_list
# JupyterLab's extension writes the page config after this one loads, so the change waits for
# the server's loop; the server's own list is left as it was.
loop = FakeLoop()
kernel_manager = type("KM", (), {"untracked_message_types": list(server_list)})()
lab_app = FakeApp({"kernel_websocket_connection_class": ZMQChannelsWebsocketConnection}, io_loop=loop, kernel_manager=kernel_manager)
ext._load_jupyter_server_extension(lab_app)
found["page_config_before_loop"] = "page_config_data" in lab_app.web_app.settings
lab_app.web_app.settings["page_config_data"] = {"untracked_message_types": list(server_list), "appName": "JupyterLab"}
loop.run()
page_config = lab_app.web_app.settings["page_config_data"]
found["page_untracked"] = page_config["untracked_message_types"]
found["page_other_keys"] = sorted(k for k in page_config if k != "untracked_message_types")
found["server_list_after"] = kernel_manager.untracked_message_types
found["quiet_log"] = lab_app.recorder.lines
# Without a list in the page config, the server's list is the base; twice adds it once.
bare = {}
found["untrack_first"] = ext.untrack_comm_status(bare, ["kernel_info_request"])
found["untrack_again"] = ext.untrack_comm_status(bare, ["kernel_info_request"])
found["untrack_bare"] = bare
# Both effects can be switched off in the server's config.
off_loop = FakeLoop()
off = FakeApp(
    {"kernel_websocket_connection_class": ZMQChannelsWebsocketConnection},
    config={"ActivationLabServer": {"nodelay": False, "quiet_comm_status": False}},
    io_loop=off_loop,
)
ext._load_jupyter_server_extension(off)
off_loop.run()
found["off_class_kept"] = off.web_app.settings["kernel_websocket_connection_class"] is ZMQChannelsWebsocketConnection
found["off_page_config"] = off.web_app.settings.get("page_config_data")
found["off_log"] = off.recorder.lines
print(json.dumps(found, default=str))
