"""activation-lab's Jupyter server extension: kernel websockets without Nagle's delay.

jupyter_server leaves Nagle's algorithm on for the websocket between the server and the
browser. A kernel answers one widget message with several small IOPub messages (status busy,
echo_update, update, status idle). With Nagle's algorithm on, every message after the first
waits in the server until the browser acknowledges the first one, and a browser that is in
the middle of an exchange with the server delays that acknowledgement (Linux: up to 40 ms,
hoping to send it along with its next message). A slider that should redraw in ~20 ms then
sometimes takes ~50 ms. TCP_NODELAY sends each message as soon as the kernel sends it.

This changes only how the server writes kernel messages to the socket; what it sends is
unchanged. It is opt-in: `activation-lab install --sys-prefix --server-extension` (or
`--prefix P --server-extension`) installs this module next to the Jupyter server's Python
packages and enables it in `etc/jupyter/jupyter_server_config.d/`; `npm run setup` does so for
the repo's `.venv`. Turn it off with
`jupyter server extension disable activation_lab_server`.
"""

import inspect

_MARK = "_activation_lab_nodelay"


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


def _load_jupyter_server_extension(serverapp):
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
