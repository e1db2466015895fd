"""A real OpenID Connect provider for the sign-in tests: oidc-provider-mock's Flask app on a
thread of the test process, on localhost, over HTTP (no network, no browser download).

``Provider.misbehave`` makes it answer as a provider set up for another application would:
``"audience"`` issues the ID token to another client id."""

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import httpx
import werkzeug.serving

# The provider refuses plain HTTP unless told that this is a test.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

import oidc_provider_mock

OTHER_CLIENT = "another-application"


@dataclass
class Provider:
    url: str
    misbehave: str = ""
    _wsgi: object = field(default=None, repr=False)

    def user(self, sub: str, **claims: object) -> None:
        """Who the provider knows: its claims for the subject ``sub``."""
        response = httpx.put(f"{self.url}/users/{sub}", json=claims)
        response.raise_for_status()

    def sign_in(self, authorize_url: str, sub: str) -> str:
        """The person's part at the provider: open its page, post its form as ``sub``.
        Returns where the provider sends the browser back to (the portal's callback)."""
        assert authorize_url.startswith(self.url), authorize_url
        with httpx.Client() as http:
            page = http.get(authorize_url)
            assert page.status_code == 200, page.text[:300]
            assert "Authorize" in page.text
            answer = http.post(authorize_url, data={"sub": sub})
        assert answer.status_code == 302, answer.text[:300]
        return answer.headers["location"]


class _Misbehaving:
    """WSGI middleware: rewrites what the portal sends before the provider reads it."""

    def __init__(self, app, provider: Provider):
        self.app = app
        self.provider = provider

    def __call__(self, environ, start_response):
        if self.provider.misbehave == "audience":
            path = environ.get("PATH_INFO", "")
            if path == "/oauth2/authorize":
                query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
                query["client_id"] = OTHER_CLIENT
                environ["QUERY_STRING"] = urlencode(query)
            elif path == "/oauth2/token":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
                body["client_id"] = OTHER_CLIENT
                data = urlencode(body).encode()
                environ.pop("HTTP_AUTHORIZATION", None)
                environ["CONTENT_LENGTH"] = str(len(data))

                environ["wsgi.input"] = io.BytesIO(data)
        return self.app(environ, start_response)


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider(url="")
    app = _Misbehaving(oidc_provider_mock.app(), provider)
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    provider.url = f"http://localhost:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
