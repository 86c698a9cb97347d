"""activation-lab's Jupyter server extension: widget replies without avoidable delays.

It does two things, each switchable in a Jupyter server config file:

- ``c.ActivationLabServer.nodelay`` (default True): kernel websockets without Nagle's delay.
- ``c.ActivationLabServer.quiet_comm_status`` (default True): JupyterLab stops flipping the
  kernel status indicator for widget (comm) messages.

Nagle's delay. jupyter_server leaves Nagle's algorithm on for the websocket between the
server and the browser. A kernel answers one widget message with several small IOPub messages (status busy,
echo_update, update, status idle). With Nagle's algorithm on, every message after the first
waits in the server until the browser acknowledges the first one, and a browser that is in
the middle of an exchange with the server delays that acknowledgement (Linux: up to 40 ms,
hoping to send it along with its next message). A slider that should redraw in ~20 ms then
sometimes takes ~50 ms. TCP_NODELAY sends each message as soon as the kernel sends it.

This changes only how the server writes kernel messages to the socket; what it sends is
unchanged.

The kernel status around widget messages. A kernel reports busy and then idle around every
request, widget messages included, and JupyterLab re-renders the notebook toolbar's kernel
indicator on each change; the toolbar then measures its items with a forced layout. Two such
changes per slider step cost the page ~8 ms of its main thread, right between the key press and
the new curves. JupyterLab skips status messages whose request type is listed in the page
config's ``untracked_message_types`` (which holds comm_info and kernel_info requests already);
this adds ``comm_msg`` there. Executing cells still shows busy and idle. The server's own
activity tracking (idle culling) reads its own list and is left unchanged. What a user gives up:
the indicator no longer says busy while the kernel handles a slow widget callback.

The extension is opt-in: `activation-lab install --sys-prefix --server-extension` (or
`--prefix P --server-extension`) installs this module next to the Jupyter server's Python
packages and enables it in `etc/jupyter/jupyter_server_config.d/`; `npm run setup` does so for
the repo's `.venv`. Turn it off with
`jupyter server extension disable activation_lab_server`.
"""

import inspect

from traitlets import Bool
from traitlets.config import Configurable

_MARK = "_activation_lab_nodelay"
COMM_MSG = "comm_msg"


class ActivationLabServer(Configurable):
    """Settings of the extension: ``c.ActivationLabServer.<name>`` in jupyter_server_config."""

    nodelay = Bool(True, config=True, help="Set TCP_NODELAY on kernel websockets.")
    quiet_comm_status = Bool(
        True,
        config=True,
        help="Let JupyterLab ignore the kernel's busy/idle around widget (comm_msg) messages.",
    )


def _jupyter_server_extension_points():
    return [{"module": "activation_lab_server"}]


def with_nodelay(base):
    """A subclass of the server's kernel websocket connection class that sets TCP_NODELAY
    on the websocket before the kernel connection starts."""
    if getattr(base, _MARK, False):
        return base

    class NoDelayConnection(base):
        async def connect(self, *args, **kwargs):
            handler = getattr(self, "websocket_handler", None)
            if handler is not None and getattr(handler, "ws_connection", None) is not None:
                handler.set_nodelay(True)
            result = super().connect(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result

    setattr(NoDelayConnection, _MARK, True)
    NoDelayConnection.__name__ = f"NoDelay{base.__name__}"
    NoDelayConnection.__qualname__ = NoDelayConnection.__name__
    NoDelayConnection.__doc__ = f"{base.__name__} with TCP_NODELAY on the websocket (activation-lab)."
    return NoDelayConnection


def untrack_comm_status(page_config, server_untracked):
    """Adds comm_msg to the page config's untracked_message_types (JupyterLab's copy of the
    kernel manager's list, which it reads to skip status messages); True if it was added."""
    current = page_config.get("untracked_message_types")
    if current is None:
        current = list(server_untracked or [])
    if COMM_MSG in current:
        return False
    page_config["untracked_message_types"] = [*current, COMM_MSG]
    return True


def _set_nodelay(serverapp):
    # The websocket handler reads the connection class from the web app's settings each time
    # a kernel websocket opens; wrapping whatever class is configured there (the default ZMQ
    # one, a gateway's, a user's) keeps that choice and only adds the socket option.
    settings = serverapp.web_app.settings
    base = settings.get("kernel_websocket_connection_class")
    if base is None:
        serverapp.log.warning("activation-lab: no kernel websocket connection class in the server settings; TCP_NODELAY not set")
        return
    wrapped = with_nodelay(base)
    if wrapped is base:
        return  # enabled twice (two config files): already in place
    settings["kernel_websocket_connection_class"] = wrapped
    serverapp.log.info("activation-lab: kernel websockets send without Nagle's delay (TCP_NODELAY)")


def _quiet_comm_status(serverapp):
    page_config = serverapp.web_app.settings.setdefault("page_config_data", {})
    server_untracked = getattr(getattr(serverapp, "kernel_manager", None), "untracked_message_types", None)
    if untrack_comm_status(page_config, server_untracked):
        serverapp.log.info("activation-lab: JupyterLab ignores the kernel status around widget messages (comm_msg untracked)")


def _load_jupyter_server_extension(serverapp):
    options = ActivationLabServer(parent=serverapp)
    if options.nodelay:
        _set_nodelay(serverapp)
    if options.quiet_comm_status:
        # Extensions load in name order and JupyterLab's, loaded after this one, rewrites the
        # page config; the server's loop runs this once every extension has loaded.
        io_loop = getattr(serverapp, "io_loop", None)
        if io_loop is not None:
            io_loop.add_callback(_quiet_comm_status, serverapp)
        else:
            _quiet_comm_status(serverapp)
