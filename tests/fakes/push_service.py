"""A loopback Web Push service for tests: a real HTTP server that receives pushes the way a
browser's push service and the browser together would.

It plays both parts of the receiving side: it hands out subscriptions (an endpoint on itself
and a browser's P-256 key pair and auth secret, as PushManager.subscribe would), checks each
push's VAPID authorisation (RFC 8292: an ES256 JWT for this origin, signed by the key in
`k=`), and decrypts the body with the subscription's private key (RFC 8291, aes128gcm), so a
test reads exactly what the notification would show.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscribed browser: its keys, and what reached it."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    received: list[dict] = field(default_factory=list)

    def subscription_json(self) -> dict:
        """What PushSubscription.toJSON() gives a page's script."""
        public = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass
class Push:
    """One push as received: the decrypted notification and the request's details."""

    payload: dict
    headers: dict[str, str]
    vapid_key: str  # the `k=` public key the JWT verified against
    claims: dict


class PushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.status_for: dict[str, int] = {}  # path -> status to answer (410: gone)
        self.rejected: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = service.status_for.get(self.path, 201)
                if status == 201:
                    try:
                        service._receive(self.path, dict(self.headers.items()), body)
                    except Exception as exc:  # recorded for the test to see, answered 400
                        service.rejected.append(f"{type(exc).__name__}: {exc}")
                        status = 400
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def browser(self) -> Browser:
        path = "/push/" + secrets.token_urlsafe(16)
        browser = Browser(
            endpoint=self.origin + path,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=secrets.token_bytes(16),
        )
        self.browsers[path] = browser
        return browser

    def _receive(self, path: str, headers: dict[str, str], body: bytes) -> None:
        browser = self.browsers[path]
        headers = {k.lower(): v for k, v in headers.items()}
        if headers.get("content-encoding") != "aes128gcm":
            raise ValueError(f"content-encoding {headers.get('content-encoding')!r}")
        key, claims = self._vapid(headers.get("authorization", ""))
        plain = http_ece.decrypt(
            body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
        )
        browser.received.append(
            {"push": Push(json.loads(plain), headers, key, claims), "raw": body}
        )

    def _vapid(self, authorization: str) -> tuple[str, dict]:
        """Check `vapid t=<jwt>, k=<key>` (RFC 8292): an ES256 signature by k, for this
        origin, not expired."""
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"authorization scheme {scheme!r}")
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        token, key = fields["t"], fields["k"]
        head, payload, signature = token.split(".")
        raw = unb64url(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        public.verify(
            encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
            f"{head}.{payload}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
        claims = json.loads(unb64url(payload))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r}")
        return key, claims
