"""Serve the app on gevent with websockets, on a listener that sends replies without delay."""

from __future__ import annotations

import logging
import socket

from flask import Flask
from gevent.pywsgi import WSGIServer
from geventwebsocket.handler import WebSocketHandler

log = logging.getLogger(__name__)


def make_listener(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening socket with TCP_NODELAY, which accepted sockets inherit on Linux.

    pywsgi sends headers and body in two writes; without TCP_NODELAY every
    keep-alive response then waits ~40 ms for the client's delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(backlog)
    listener.setblocking(False)
    return listener


def make_server(app: Flask, host: str, port: int, access_log: bool = False) -> WSGIServer:
    return WSGIServer(
        make_listener(host, port),
        app,
        handler_class=WebSocketHandler,
        log=logging.getLogger("smartcity.access") if access_log else None,
        error_log=logging.getLogger("smartcity.server"),
    )
