"""Streamlit never asks a host outside this machine for anything.

Left to itself Streamlit asks checkip.amazonaws.com for the machine's external address, and opens a socket
towards 8.8.8.8 for its internal one: at start when neither ``server.address`` (not a wildcard) nor
``browser.serverAddress`` is set (.streamlit/config.toml sets the latter), and whenever a browser opens the
websocket from another origin than the address it asked for (a page of another site, a proxy that changes the
port). On an intranet that is a request that must not leave, and a blocking wait of a second or two each time.
"""

from __future__ import annotations


def no_outside_lookups() -> None:
    """From now on, in this process, Streamlit's address lookups answer "none" without asking anyone: a
    cross-origin websocket is then judged by localhost, ``browser.serverAddress`` and
    ``server.corsAllowedOrigins`` alone (a same-origin one, the usual case, never asks)."""
    from streamlit import net_util

    net_util.get_external_ip = _none
    net_util.get_internal_ip = _none


def _none() -> None:
    return None
