"""API test helpers: clients that authenticate the way integrators do, with a real token."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from agencies.models import User

API = "/api/v1"


class Api:
    """A JSON client signed in as one user through `Authorization: Token ...`."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else f"{API}/{path}"

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(self._url(path), params or {}, headers=headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(self._url(path), body, format="json", headers=headers)

    def multipart(self, path: str, body: Any = None, **headers: str) -> Any:
        """A POST of form fields and files (document uploads)."""
        return self.client.post(self._url(path), body, format="multipart", headers=headers)

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.patch(self._url(path), body, format="json", headers=headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self.client.delete(self._url(path), headers=headers)

    def raw(
        self, method: str, path: str, body: bytes | str = b"", content_type: str = "application/json"
    ) -> Any:
        return self.client.generic(method, self._url(path), body, content_type=content_type)


@pytest.fixture
def api_as() -> Callable[[User | None], Api]:
    return Api


def body(response: Any) -> Any:
    return json.loads(response.content)


def error_of(response: Any) -> dict[str, Any]:
    """The `error` object of an error response, asserting the one error shape."""
    data = body(response)
    assert set(data) == {"error"}, data
    assert set(data["error"]) == {"code", "message", "fields"}, data
    return data["error"]
