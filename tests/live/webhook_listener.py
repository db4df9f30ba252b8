# SPDX-License-Identifier: LGPL-2.1-or-later
"""An HTTP endpoint on 127.0.0.1 for the webhook tests (python3 stdlib only).

It judges each request the way falcosidekick's handler does (falcosidekick mode): POST only; the
body one JSON object; a known priority (case-insensitive: emergency, alert, critical, error,
warning, notice, informational, info, debug); a non-empty rule; time an RFC 3339 string;
output_fields an object with at least one key. Anything else gets 400, as there. In json mode the
body must be one JSON object. In both modes the body must be strict UTF-8 JSON (no invalid bytes,
no raw control characters in strings).

Behaviour for valid requests: "ok" (200), "fail500" (500 for the first `count` requests, then 200),
"reject" (always 400), "hang" (answer 200 after `delay` seconds). A listener built with start=False
is down (nothing listens on its port) until start().

Each request is recorded in .requests as a dict: at (time.time() on arrival), path, headers, body
(bytes), obj (parsed JSON or None), valid, why (the reason it is invalid), status (what we answered),
once answered; .arrivals has the arrival time of every POST at once.
"""
import http.server
import json
import re
import socket
import threading
import time

PRIORITIES = {"emergency", "alert", "critical", "error", "warning", "notice", "informational", "info", "debug"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


def reserve_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def judge(body, falco):
    """(obj, why): why is "" when the body is acceptable."""
    try:
        text = body.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        return None, f"not UTF-8: {e}"
    try:
        dec = json.JSONDecoder(strict=True)
        obj, end = dec.raw_decode(text.strip())
    except ValueError as e:
        return None, f"not JSON: {e}"
    if end != len(text.strip()):
        return obj, "more than one JSON value"
    if not isinstance(obj, dict):
        return obj, "not a JSON object"
    if not falco:
        return obj, ""
    pr = obj.get("priority")
    if not isinstance(pr, str) or pr.lower() not in PRIORITIES:
        return obj, f"unknown priority {pr!r}"
    if not isinstance(obj.get("rule"), str) or not obj["rule"]:
        return obj, "empty rule"
    t = obj.get("time")
    if not isinstance(t, str) or not RFC3339.match(t):
        return obj, f"time {t!r} is not RFC 3339"
    of = obj.get("output_fields")
    if not isinstance(of, dict) or not of:
        return obj, "empty output_fields"
    return obj, ""


class Listener:
    def __init__(self, mode="ok", falco=True, count=0, delay=0.0, port=0, start=True):
        self.mode, self.falco, self.count, self.delay = mode, falco, count, delay
        self.port = port or reserve_port()
        self.requests = []
        self.arrivals = []      # time.time() of each POST as it came in (a hanging one is recorded late)
        self.server = None
        self._lock = threading.Lock()
        if start:
            self.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def start(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, text=b""):
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def do_GET(self):
                owner._record(self, b"", None, False, "not POST", 400)
                self._answer(400, b"Please send with post http method")

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n) if n > 0 else b""
                with owner._lock:
                    owner.arrivals.append(time.time())
                obj, why = judge(body, owner.falco)
                status = owner._status(not why)
                if status == 200 and owner.mode == "hang":
                    time.sleep(owner.delay)
                owner._record(self, body, obj, not why, why, status)
                self._answer(status, b"" if status == 200 else b"Please send a valid request body")

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _status(self, valid):
        if not valid:
            return 400
        with self._lock:
            if self.mode == "fail500" and self.count > 0:
                self.count -= 1
                return 500
        return 400 if self.mode == "reject" else 200

    def _record(self, h, body, obj, valid, why, status):
        with self._lock:
            self.requests.append({"at": time.time(), "path": h.path, "headers": dict(h.headers), "body": body,
                                  "obj": obj, "valid": valid, "why": why, "status": status})

    def got(self):
        with self._lock:
            return list(self.requests)

    def delivered(self):
        """Parsed objects of the requests answered 200."""
        return [r["obj"] for r in self.got() if r["status"] == 200]

    def wait(self, pred, n=1, timeout=5.0):
        """Waits until at least n recorded requests satisfy pred; returns them."""
        deadline = time.time() + timeout
        while True:
            got = [r for r in self.got() if pred(r)]
            if len(got) >= n or time.time() > deadline:
                return got
            time.sleep(0.05)

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="a falcosidekick-like test endpoint")
    ap.add_argument("--port", type=int, default=2801)
    ap.add_argument("--mode", default="ok", choices=["ok", "fail500", "reject", "hang"])
    ap.add_argument("--json", action="store_true", help="accept any JSON object (format=json)")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--delay", type=float, default=10.0)
    a = ap.parse_args()
    lst = Listener(a.mode, not a.json, a.count, a.delay, a.port)
    print(f"listening on {lst.url}", flush=True)
    seen = 0
    try:
        while True:
            time.sleep(0.2)
            for r in lst.got()[seen:]:
                print(r["status"], r["why"] or "valid", r["body"][:200], flush=True)
                seen += 1
    except KeyboardInterrupt:
        lst.stop()
