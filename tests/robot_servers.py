"""Local HTTP servers (127.0.0.1) that implement the group-robot contracts of WeCom, DingTalk,
Feishu and Slack as their documentation gives them: the signature and its timestamp window,
the size and rate limits with each platform's error bodies, success in the body."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


class RobotServer:
    """One platform's webhook. `received` holds each accepted message's JSON body, in order;
    `requests` counts every request. `force` answers the next requests with a given answer
    (a list of (status, body) popped in turn)."""

    def __init__(
        self,
        kind: str,
        *,
        secret: str = "",
        keyword: str = "",
        rate: int | None = None,
        hang_after: int | None = None,
    ):
        self.kind = kind
        self.secret = secret
        self.keyword = keyword
        self.rate = (
            rate
            if rate is not None
            else {"wecom": 20, "dingtalk": 20, "feishu": 100, "slack": 1}[kind]
        )
        self.window = 1.0 if kind == "slack" else 60.0
        self.received: list[dict] = []
        self.requests = 0
        self.force: list[tuple[int, str]] = []
        self.posts: list[float] = []
        self.hang = threading.Event()
        self.hanging = False
        # Takes the message after the first `hang_after` and never answers it (once).
        self.hang_after = hang_after
        self.hung = threading.Event()
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self.httpd.server_address[1]
        path = {
            "wecom": "/cgi-bin/webhook/send?key=wecomkey0001",
            "dingtalk": "/robot/send?access_token=dingtoken0001",
            "feishu": "/open-apis/bot/v2/hook/feishuhook0001",
            "slack": "/services/T000/B000/slackhook0001",
        }[self.kind]
        return f"http://127.0.0.1:{port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.hang.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # The contract, one platform at a time: (status, body) for one request.
    def answer(self, query: dict, body: bytes) -> tuple[int, str]:
        with self.lock:
            self.requests += 1
            if self.force:
                return self.force.pop(0)
            now = time.time()
            self.posts = [p for p in self.posts if now - p < self.window]
            limited = len(self.posts) >= self.rate
            if not limited:
                self.posts.append(now)
        return getattr(self, f"_{self.kind}")(query, body, limited)

    def _accept(self, data: dict) -> None:
        with self.lock:
            self.received.append(data)

    def _wecom(self, query, body, limited):
        data = json.loads(body)
        if limited:
            return 200, json.dumps({"errcode": 45009, "errmsg": "api freq out of limit"})
        if len(data["markdown"]["content"].encode()) > 4096:
            return 200, json.dumps(
                {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
            )
        self._accept(data)
        return 200, json.dumps({"errcode": 0, "errmsg": "ok"})

    def _dingtalk(self, query, body, limited):
        if len(body) > 20_000:
            return 200, json.dumps(
                {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}
            )
        if self.secret:
            timestamp = query.get("timestamp", [""])[0]
            sign = query.get("sign", [""])[0]
            if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > 3_600_000:
                return 200, json.dumps(
                    {"errcode": 310000, "errmsg": "sign not match, timestamp is invalid"}
                )
            expected = base64.b64encode(
                hmac.new(
                    self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
                ).digest()
            ).decode()
            # parse_qs decoded the URL once; a signature encoded twice stays garbled here.
            if sign != expected:
                return 200, json.dumps(
                    {
                        "errcode": 310000,
                        "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
                    }
                )
        data = json.loads(body)
        if self.keyword and self.keyword not in body.decode():
            return 200, json.dumps({"errcode": 310000, "errmsg": "keywords not in content"})
        if limited:
            return 200, json.dumps(
                {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
            )
        assert data["msgtype"] == "markdown" and data["markdown"]["title"]
        self._accept(data)
        return 200, json.dumps({"errcode": 0, "errmsg": "ok"})

    def _feishu(self, query, body, limited):
        if len(body) > 20 * 1024:
            return 200, json.dumps({"code": 9499, "msg": "request body too large", "data": {}})
        data = json.loads(body)
        if self.secret:
            timestamp = str(data.get("timestamp", ""))
            key = f"{timestamp}\n{self.secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if (
                not timestamp.isdigit()
                or abs(int(timestamp) - time.time()) > 3600
                or data.get("sign") != expected
            ):
                return 200, json.dumps(
                    {
                        "code": 19021,
                        "data": {},
                        "msg": "sign match fail or timestamp is not within one hour"
                        " from current time",
                    }
                )
        if limited:
            return 200, json.dumps({"code": 11232, "data": {}, "msg": "frequency limited psm"})
        self._accept(data)
        return 200, json.dumps({"code": 0, "data": {}, "msg": "success"})

    def _slack(self, query, body, limited):
        if limited:
            return 429, "rate_limited"
        data = json.loads(body)
        if not data.get("blocks"):
            return 400, "invalid_blocks"
        if len(data["blocks"][0]["text"]["text"]) > 3000:
            return 400, "invalid_blocks"
        self._accept(data)
        return 200, "ok"

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                with server.lock:
                    hang_now = (
                        server.hang_after is not None
                        and len(server.received) >= server.hang_after
                        and not server.hung.is_set()
                    )
                    if hang_now:
                        server.hung.set()
                if server.hanging or hang_now:
                    # Takes the message, never answers: the sender's timeout runs out.
                    server._accept(json.loads(body))
                    server.hang.wait(30)
                    return
                query = parse_qs(urlsplit(self.path).query)
                status, text = server.answer(query, body)
                payload = text.encode()
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/json" if text.startswith("{") else "text/plain"
                )
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler


__all__ = ["RobotServer", "unquote"]
