"""Serve the app on gevent with websockets, on a listener that sends replies without delay."""

from __future__ import annotations

import logging
import socket

from flask import Flask
from gevent.pywsgi import WSGIHandler, WSGIServer
from geventwebsocket.handler import WebSocketHandler


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


class RequestHandler(WebSocketHandler):
    """gevent-websocket's handler, logging requests only when the server has an access log.

    Its own ``log_request`` logs every request, whatever the server was given, and
    that write after each response lets a keep-alive client's next request
    jump the queue, so other connections wait (p99 over a second at 32).
    """

    def log_request(self) -> None:
        WSGIHandler.log_request(self)  # writes to server.log: a no-op log without --access-log


def make_server(app: Flask, host: str, port: int, access_log: bool = False) -> WSGIServer:
    return WSGIServer(
        make_listener(host, port),
        app,
        handler_class=RequestHandler,
        log=logging.getLogger("smartcity.access") if access_log else None,
        error_log=logging.getLogger("smartcity.server"),
    )
