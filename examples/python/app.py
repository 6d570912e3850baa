"""A FastAPI service that verifies Tessera tokens locally, as @tessera/guard does: from the auth service's JWKS,
or with the shared secret (JWT_MODE=secret). Debian's python3-fastapi, python3-jwt and python3-uvicorn; nothing
from PyPI. Run: AUTH_URL=http://localhost:3000 /usr/bin/python3 app.py
"""

import json
import os
import re
import threading
import time
import urllib.request

import jwt
import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

AUTH_URL = os.environ.get("AUTH_URL", "http://localhost:3000")
ISSUER = os.environ.get("AUTH_ISSUER", AUTH_URL)
AUDIENCE = os.environ.get("JWT_AUDIENCE", "tessera")
MODE = os.environ.get("JWT_MODE", "jwks")
REALM = "tessera"
MAX_TOKEN_BYTES = 8192
CLOCK_TOLERANCE = 30  # seconds, on exp, nbf and iat

# The exact algorithms accepted: what the issuer signs with. HS256 only in secret mode, never next to a JWKS.
if MODE == "secret":
    ALGORITHMS = ["HS256"]
    SECRET = os.environ.get("JWT_SECRET", "")
    if len(SECRET.encode()) < 32:
        raise SystemExit("JWT_SECRET must be at least 32 bytes in secret mode")
else:
    ALGORITHMS = [os.environ.get("JWT_ALG", "EdDSA")]
    if ALGORITHMS[0] not in ("EdDSA", "ES256", "RS256"):
        raise SystemExit("JWT_ALG must be EdDSA, ES256 or RS256")


class RefusedError(Exception):
    """A refused request, with the code @tessera/guard gives the same failure."""

    def __init__(self, reason: str, status: int = 401, scope: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.scope = scope


class JwksClient(jwt.PyJWKClient):
    """PyJWKClient (cached for 5 minutes), plus what PyJWT 2.6 lacks: a fetch timeout, the last good keys kept
    when a fetch fails, and at most one refetch per 30 s for an unknown kid, so random kids can't flood the issuer."""

    def __init__(self, uri: str):
        super().__init__(uri, cache_jwk_set=True, lifespan=300)
        self.lock = threading.Lock()
        self.last_good = None
        self.last_fetch = 0.0

    def fetch_data(self):
        with self.lock:
            self.last_fetch = time.monotonic()
            try:
                with urllib.request.urlopen(self.uri, timeout=5) as response:
                    self.last_good = json.load(response)
            except Exception:
                if self.last_good is None:
                    raise RefusedError("keys_unavailable", 503)
            self.jwk_set_cache.put(self.last_good)
            return self.last_good

    def get_signing_key(self, kid):
        keys = self.get_signing_keys()
        key = self.match_kid(keys, kid)
        if key is None and time.monotonic() - self.last_fetch >= 30:
            key = self.match_kid(self.get_signing_keys(refresh=True), kid)
        if key is None:
            raise RefusedError("key_not_found")
        return key


jwks = JwksClient(f"{AUTH_URL}/api/auth/jwks") if MODE != "secret" else None
if jwks is not None:
    try:
        jwks.get_signing_keys()  # fetched at start; a failure here is retried on the first request
    except RefusedError:
        pass

REASONS = [  # PyJWT's errors, most specific first, as @tessera/guard's codes
    (jwt.ExpiredSignatureError, "token_expired"),
    (jwt.ImmatureSignatureError, "token_not_yet_valid"),
    (jwt.InvalidAudienceError, "audience_mismatch"),
    (jwt.InvalidIssuerError, "issuer_mismatch"),
    (jwt.InvalidSignatureError, "signature_invalid"),
    (jwt.InvalidAlgorithmError, "alg_not_allowed"),
    (jwt.MissingRequiredClaimError, "claim_invalid"),
    (jwt.DecodeError, "token_malformed"),
]


def verify(token: str) -> dict:
    """The claims of a valid token, else RefusedError. Every check @tessera/guard makes, in its order."""
    if len(token.encode()) > MAX_TOKEN_BYTES:
        raise RefusedError("token_too_large")
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ALGORITHMS:
            raise RefusedError("alg_not_allowed")
        if "crit" in header:  # no extension is understood here (RFC 7515 §4.1.11)
            raise RefusedError("token_malformed")
        # jku, x5u, jwk and x5c are never read: the key comes from configuration only.
        key = SECRET if jwks is None else jwks.get_signing_key(header.get("kid")).key
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=AUDIENCE,
            issuer=ISSUER,
            leeway=CLOCK_TOLERANCE,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except RefusedError:
        raise
    except jwt.PyJWTError as error:
        raise RefusedError(next((code for kind, code in REASONS if isinstance(error, kind)), "token_malformed"))
    except (ValueError, TypeError, OverflowError):  # e.g. "exp": 1e400; fail closed, never a 500
        raise RefusedError("claim_invalid")
    if not isinstance(claims.get("sub"), str) or claims["sub"] == "":
        raise RefusedError("claim_invalid")
    for name in ("exp", "nbf", "iat"):  # PyJWT takes "exp": "9999999999" as a number; a time is a finite number
        value = claims.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
            raise RefusedError("claim_invalid")
    return claims


CREDENTIALS = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?", re.S)  # RFC 9110 §11.4
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")  # RFC 6750 §2.1


def principal(request: Request) -> dict:
    """The caller, from the Authorization header only (RFC 6750 §2.1): never a query string or a cookie."""
    header = request.headers.get("authorization")
    match = CREDENTIALS.fullmatch(header) if header else None
    if not header or (match and match.group(1).lower() != "bearer"):
        raise RefusedError("token_missing")
    if not match or match.group(2) is None or not B64TOKEN.fullmatch(match.group(2)):
        raise RefusedError("header_malformed", 400)
    claims = verify(match.group(2))
    service = claims["sub"].startswith("client:")
    return {
        "kind": "service" if service else "user",
        "subject": claims["sub"],
        "scopes": set(str(claims.get("scope", "")).split()),
    }


def require_scope(scope: str):
    def check(caller: dict = Depends(principal)) -> dict:
        if scope not in caller["scopes"]:
            raise RefusedError("insufficient_scope", 403, scope)
        return caller

    return check


app = FastAPI()


TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable"}


@app.exception_handler(RefusedError)
def refused(_request: Request, error: RefusedError) -> JSONResponse:
    """The same answers as @tessera/guard: an RFC 6750 challenge and a problem+json body, never token contents."""
    code = {400: "invalid_request", 403: "insufficient_scope", 503: "keys_unavailable"}.get(error.status, "invalid_token")
    headers = {"Cache-Control": "no-store"}
    if error.reason == "token_missing":
        code = error.reason
        headers["WWW-Authenticate"] = f'Bearer realm="{REALM}"'  # no error code without credentials (RFC 6750 §3.1)
    elif error.status == 503:
        headers["Retry-After"] = "30"
    else:
        scope = f', scope="{error.scope}"' if error.scope else ""
        headers["WWW-Authenticate"] = f'Bearer realm="{REALM}", error="{code}"{scope}'
    body = {"type": "about:blank", "title": TITLES[error.status], "status": error.status, "detail": error.reason, "code": code, "reason": error.reason}
    return JSONResponse(body, status_code=error.status, headers=headers, media_type="application/problem+json")


@app.get("/v1/me")
def me(caller: dict = Depends(principal)):
    return {"subject": caller["subject"], "kind": caller["kind"]}


@app.get("/v1/reports")
def reports(_caller: dict = Depends(require_scope("reports:read"))):
    return {"reports": []}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")), log_level="warning")
