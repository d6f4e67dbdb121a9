"""Fake DingTalk, WeCom and Feishu custom robots on 127.0.0.1 for the channel tests.

Each path checks what the platform documents, independently of bipin's code:
- /robot/send?access_token=..&timestamp=..&sign=..  DingTalk: timestamp in ms within an hour of the
  server's clock; sign = urlEncode(base64(HmacSHA256(key=secret, msg=timestamp+"\\n"+secret)));
- /cgi-bin/webhook/send?key=..  WeCom: the key; markdown content at most 4,096 bytes;
- /open-apis/bot/v2/hook/<token>  Feishu: timestamp in s within an hour, sign = base64(HmacSHA256(
  key=timestamp+"\\n"+secret, msg=empty)) in the body;
and answers with the platform's JSON. `script` makes the next answers misbehave: "rate" (the platform's
rate-limit code), "drop" (reads the whole body, then closes without a reply), "500".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN, SECRET = "tok-5f2a9c0e-robot", "SEC0b1c2d3e4f密钥9a8b7c"
OK = {"dingtalk": {"errcode": 0, "errmsg": "ok"}, "wecom": {"errcode": 0, "errmsg": "ok"},
      "feishu": {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}}
RATE = {"dingtalk": {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
        "wecom": {"errcode": 45009, "errmsg": "api freq out of limit"},
        "feishu": {"code": 11232, "data": {}, "msg": "frequency limited"}}
BAD_SIGN = {"dingtalk": {"errcode": 310000, "errmsg": "sign not match"},
            "feishu": {"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour from current time"}}
NO_KEYWORD = {"dingtalk": {"errcode": 310000, "errmsg": "keywords not in content"},
              "feishu": {"code": 19024, "data": {}, "msg": "Key Words Not Found"}}
WINDOW_S = 3600
SEND = "delivery:\n  mode: smtp\n  retries: 2\n  backoff_s: 0.01\n  chat:\n    timeout_s: 5\n"  # posts for real


class Robots:
    def __init__(self, token: str = TOKEN, secret: str | None = SECRET, keyword: str | None = None,
                 tls: tuple | None = None):
        self.token, self.secret, self.keyword = token, secret, keyword
        self.script: list[str] = []
        self.posts: list[tuple[str, dict]] = []      # accepted: (platform, body)
        self.requests: list[tuple[str, dict]] = []   # every request that arrived whole
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.scheme = "http"
        if tls:  # (certificate, key): HTTPS as the platforms (and a government host with its own CA) serve
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Robots:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def webhook(self, kind: str) -> str:
        return self.base + {"dingtalk": "/robot/send", "wecom": "/cgi-bin/webhook/send",
                            "feishu": "/open-apis/bot/v2/hook"}[kind]

    def answer(self, kind: str, query: dict, token: str, body: dict) -> dict | None:
        """The platform's reply; None: drop the connection without one."""
        self.requests.append((kind, body))
        action = self.script.pop(0) if self.script else "ok"
        if action == "drop":
            self.posts.append((kind, body))  # posted, but the client never hears so
            return None
        if token != self.token:
            return {"dingtalk": {"errcode": 300001, "errmsg": "token is not exist"},
                    "wecom": {"errcode": 93000, "errmsg": f"invalid webhook url, hint: key={token}"},
                    "feishu": {"code": 19001, "data": {}, "msg": "param invalid: incoming webhook access token invalid"}}[kind]
        if self.secret and kind == "dingtalk" and not _dingtalk_ok(self.secret, query):
            return BAD_SIGN[kind]
        if self.secret and kind == "feishu" and not _feishu_ok(self.secret, body):
            return BAD_SIGN[kind]
        if kind == "wecom" and len(body["markdown"]["content"].encode("utf-8")) > 4096:
            return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
        if self.keyword and self.keyword not in json.dumps(body, ensure_ascii=False):
            return NO_KEYWORD.get(kind, {"errcode": 0})
        if action == "rate":
            return RATE[kind]
        self.posts.append((kind, body))
        return OK[kind]


def _dingtalk_ok(secret: str, query: dict) -> bool:
    try:
        ts, sign = query["timestamp"][0], query["sign"][0]   # parse_qs undid the URL-encoding
    except KeyError:
        return False
    if abs(time.time() * 1000 - int(ts)) > WINDOW_S * 1000:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), sign)


def _feishu_ok(secret: str, body: dict) -> bool:
    ts, sign = str(body.get("timestamp", "")), body.get("sign", "")
    if not ts.isdigit() or abs(time.time() - int(ts)) > WINDOW_S:
        return False
    expected = base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, sign)


def _handler(robots: Robots):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(raw.decode("utf-8"))
            if parts.path == "/robot/send":
                kind, token = "dingtalk", query.get("access_token", [""])[0]
            elif parts.path == "/cgi-bin/webhook/send":
                kind, token = "wecom", query.get("key", [""])[0]
            elif parts.path.startswith("/open-apis/bot/v2/hook/"):
                kind, token = "feishu", parts.path.rsplit("/", 1)[1]
            else:
                self.send_error(404)
                return
            if robots.script and robots.script[0] == "500":
                robots.script.pop(0)
                robots.requests.append((kind, body))
                self._reply(502, b"<html>Bad Gateway</html>", "text/html")
                return
            reply = robots.answer(kind, query, token, body)
            if reply is None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)  # at once, whatever file objects still hold it
                return
            self._reply(200, json.dumps(reply, ensure_ascii=False).encode("utf-8"), "application/json")

        def _reply(self, status: int, data: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def channel_yaml(robots: Robots, kind: str = "dingtalk", code: str = "wuyi-leaders", extra: str = "") -> str:
    """One channels: entry for the fake robot (token and secret in BIPIN_TEST_ROBOT_TOKEN / _SECRET)."""
    secret = "" if kind == "wecom" else ", secret_env: BIPIN_TEST_ROBOT_SECRET"
    return (f"  - {{code: {code}, name: 武义县领导工作群, kind: {kind}, place: 武义, kinds: [weekly, monthly], "
            f"webhook: '{robots.webhook(kind)}', token_env: BIPIN_TEST_ROBOT_TOKEN{secret}{extra}}}\n")


def ledger_row(settings, address="dingtalk:wuyi-leaders", key="2026-W48"):
    from flows.brief.delivery import ledger
    from flows.warehouse.db import connect

    con = connect(settings.db_path)
    try:
        return ledger.lookup(con, "weekly", key, address)
    finally:
        con.close()
