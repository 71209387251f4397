"""A small OpenID Connect provider for tests, served over HTTP on 127.0.0.1.

It does what a real provider does in the authorization code flow, so single sign-on is tested
through mozilla-django-oidc's own requests, not by patching it: ``/authorize`` records the
request (state, nonce, PKCE challenge, redirect URI) and sends the browser back with a one-use
code; ``/token`` checks the client's id and secret, the code, the redirect URI and the PKCE
verifier, then answers with an ID token signed RS256 by a key generated for this run;
``/jwks`` publishes that key; ``/userinfo`` answers for the access token. ``claims`` (who signs
in) and ``tamper`` (what to get wrong in the next ID token) are set by each test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "rescomm-test-client"
CLIENT_SECRET = "test-client-secret"  # noqa: S105 - the fake provider's, tests only


class FakeProvider:
    """Start with :meth:`start`, stop with :meth:`stop`; ``env()`` gives the variables that
    point rescomm at it."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.claims: dict = {}
        self.userinfo: dict | None = None
        self.tamper: set[str] = set()
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    # Serving ----------------------------------------------------------------------------------

    def start(self) -> FakeProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's interface
                provider.requests.append(f"GET {urlparse(self.path).path}")
                provider._get(self)

            def do_POST(self):  # noqa: N802
                provider.requests.append(f"POST {urlparse(self.path).path}")
                provider._post(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self, **extra: str) -> dict[str, str]:
        values = {
            "RESCOMM_OIDC_ISSUER": self.issuer,
            "RESCOMM_OIDC_PROVIDER_NAME": "Test Care Identity",
            "RESCOMM_OIDC_CLIENT_ID": CLIENT_ID,
            "RESCOMM_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "RESCOMM_OIDC_AUTHORIZATION_ENDPOINT": self.issuer + "/authorize",
            "RESCOMM_OIDC_TOKEN_ENDPOINT": self.issuer + "/token",
            "RESCOMM_OIDC_USERINFO_ENDPOINT": self.issuer + "/userinfo",
            "RESCOMM_OIDC_JWKS_ENDPOINT": self.issuer + "/jwks",
        }
        return {**values, **extra}

    # Endpoints --------------------------------------------------------------------------------

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/authorize":
            code = secrets.token_urlsafe(16)
            self.codes[code] = query
            back = query["redirect_uri"] + "?" + urlencode({"code": code,
                                                            "state": query["state"]})
            handler.send_response(302)
            handler.send_header("Location", back)
            handler.end_headers()
        elif url.path == "/jwks":
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            self._json(handler, 200, {"keys": [{**jwk, "kid": self.kid, "alg": "RS256",
                                                "use": "sig"}]})
        elif url.path == "/userinfo":
            token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.tokens:
                self._json(handler, 401, {"error": "invalid_token"})
                return
            claims = self.userinfo if self.userinfo is not None else self.tokens[token]
            self._json(handler, 200, claims)
        else:
            self._json(handler, 404, {"error": "not_found"})

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        if urlparse(handler.path).path != "/token":
            self._json(handler, 404, {"error": "not_found"})
            return
        request = self.codes.pop(form.get("code", ""), None)
        problem = None
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            problem = "invalid_client"
        elif request is None or form.get("redirect_uri") != request["redirect_uri"]:
            problem = "invalid_grant"
        else:
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(
                hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge != request.get("code_challenge"):
                problem = "invalid_grant"
        if problem:
            self._json(handler, 400, {"error": problem})
            return
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = dict(self.claims)
        self._json(handler, 200, {"access_token": access_token, "token_type": "Bearer",
                                  "expires_in": 300,
                                  "id_token": self.id_token(request.get("nonce"))})

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                   "nonce": nonce, **self.claims}
        if "issuer" in self.tamper:
            payload["iss"] = "https://elsewhere.example"
        if "audience" in self.tamper:
            payload["aud"] = "another-client"
        if "nonce" in self.tamper:
            payload["nonce"] = "not-the-nonce"
        if "expired" in self.tamper:
            payload["iat"], payload["exp"] = now - 600, now - 300
        key = self.other_key if "signature" in self.tamper else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
