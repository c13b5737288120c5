"""What the server (server.py) gives the apps, in each call's ASGI scope, of the connection that
carried it."""

DROP_EXTENSION = "mock_enswitch.drop"
"""Drop the connection with nothing written: how a `close` fault looks, to the client, like a
switch that hung up (no status line, no headers)."""
GONE_EXTENSION = "mock_enswitch.gone"
"""Whether the client has gone (a download stops being read from)."""
WHOLE_EXTENSION = "mock_enswitch.whole"
"""Send a whole reply (status, headers, body) in one write: what the API's replies take (api/
served.py), where ASGI's two messages cost two writes and uvicorn's checks of headers the mock
made itself."""
