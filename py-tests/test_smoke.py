"""The installed wheel as Python users get it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

import zoom_phone
from zoom_phone import exceptions


def test_catalog_is_python_objects() -> None:
    c = zoom_phone.catalog()
    assert isinstance(c["spec_version"], str)
    assert len(c["operations"]) == 391
    op = next(o for o in c["operations"] if o["id"] == "listCallQueues")
    assert (op["method"], op["path"]) == ("GET", "/phone/call_queues")


def test_build_request_builds_a_get_with_its_query() -> None:
    req = zoom_phone.build_request("listCallQueues", {"page_size": 10, "site_id": "s1"})
    assert req["method"] == "GET"
    assert req["url"] == "https://api.zoom.us/v2/phone/call_queues?page_size=10&site_id=s1"
    assert req["body"] is None
    assert req["headers"]["user-agent"].startswith("zoom-phone-python/")
    assert "authorization" not in req["headers"]


def test_snake_case_name_path_encoding_and_base_url() -> None:
    req = zoom_phone.build_request(
        "get_a_call_queue", {"callQueueId": "a/b c"}, base_url="http://127.0.0.1:4010/v2"
    )
    assert req["url"] == "http://127.0.0.1:4010/v2/phone/call_queues/a%2Fb%20c"


def test_json_body_is_bytes() -> None:
    req = zoom_phone.build_request(
        "updateCallQueue", {"callQueueId": "q1", "body": {"cost_center": "CC-9"}}
    )
    assert req["method"] == "PATCH"
    assert req["headers"]["content-type"].startswith("application/json")
    assert isinstance(req["body"], bytes)
    assert json.loads(req["body"]) == {"cost_center": "CC-9"}


@pytest.mark.parametrize(
    ("operation", "params", "code"),
    [
        ("noSuchOperation", {}, "unknown_operation"),
        ("getACallQueue", {}, "missing_parameter"),
        ("listCallQueues", {"page_sise": 10}, "unknown_parameter"),
    ],
)
def test_build_errors_carry_the_core_code(operation: str, params: dict[str, Any], code: str) -> None:
    with pytest.raises(exceptions.BuildError) as info:
        zoom_phone.build_request(operation, params)
    err = info.value
    assert isinstance(err, zoom_phone.ZoomPhoneError)
    assert isinstance(err, ValueError)
    assert err.code == code
    assert err.status is None


def test_exception_hierarchy_is_rooted_at_zoom_phone_error() -> None:
    for name in exceptions.__all__:
        assert issubclass(getattr(exceptions, name), exceptions.ZoomPhoneError)
    assert issubclass(exceptions.TimeoutError, TimeoutError)


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((123, {}), {}, TypeError),  # operation id not a str
        (("listCallQueues", ["page_size", 10]), {}, exceptions.BuildError),  # params not a dict
        (("listCallQueues", {"page_size": object()}), {}, exceptions.BuildError),  # not a JSON value
        (("listCallQueues", {1: "x"}), {}, exceptions.BuildError),  # non-str key
        (("listCallQueues", {"page_size": 2**70}), {}, exceptions.BuildError),  # beyond 64 bits
        (("listCallQueues", {"x": float("nan")}), {}, exceptions.BuildError),  # not JSON
        (("listCallQueues", {}), {"base_url": 5}, TypeError),
    ],
)
def test_wrong_types_in_build_request_raise_python_exceptions(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        zoom_phone.build_request(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("listCallQueues", 70000, {}, b"{}"), OverflowError),
        (("listCallQueues", 42, {}, b"{}"), ValueError),  # not an HTTP status
        (("listCallQueues", "200", {}, b"{}"), TypeError),
        (("listCallQueues", 200, {"x-a": 1}, b"{}"), TypeError),
        (("listCallQueues", 200, {"bad header": "v"}, b"{}"), ValueError),
        (("listCallQueues", 200, ["x-a"], b"{}"), TypeError),
        (("listCallQueues", 200, {}, "{}"), TypeError),
    ],
)
def test_wrong_types_in_parse_response_raise_python_exceptions(
    args: tuple[Any, ...], error: type[Exception]
) -> None:
    with pytest.raises(error):
        zoom_phone.parse_response(*args)


def test_self_containing_params_raise_instead_of_overflowing_the_stack() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(exceptions.BuildError, match="nested deeper"):
        zoom_phone.build_request("listCallQueues", {"x": loop})
    # The interpreter and the module are still fine.
    assert zoom_phone.build_request("listCallQueues", {"page_size": 1})["method"] == "GET"


def test_parse_response_returns_the_json_body_and_tracking_id() -> None:
    page = {"next_page_token": "", "page_size": 1, "call_queues": [{"id": "q1", "name": "Sales"}]}
    out = zoom_phone.parse_response(
        "listCallQueues",
        200,
        {"content-type": "application/json", "x-zm-trackingid": "v=2.0;rid=1"},
        json.dumps(page).encode(),
    )
    assert out["status"] == 200
    assert out["kind"] == "json"
    assert out["body"] == page
    assert out["tracking_id"] == "v=2.0;rid=1"
    assert isinstance(out["rate_limit"], dict)


def test_the_core_hands_a_json_body_back_as_the_callers_own_bytes() -> None:
    # The JSON text goes to json.loads as it arrived: not copied, and twice
    # in a row (no buffer of the last call's in the way).
    for body in (b'{"call_queues": [], "next_page_token": ""}', b'{"call_queues": [{"id": "q2"}]}'):
        out = zoom_phone._core.parse_response("listCallQueues", 200, {"content-type": "application/json"}, body)
        assert out["kind"] == "json"
        assert out["body"] is body


def test_parse_response_of_a_204_is_empty() -> None:
    out = zoom_phone.parse_response("updateCallQueue", 204, {}, b"")
    assert (out["kind"], out["body"]) == ("empty", None)


def test_zoom_error_raises_api_error_with_its_evidence() -> None:
    with pytest.raises(exceptions.ApiError) as info:
        zoom_phone.parse_response(
            "getACallQueue",
            404,
            {"content-type": "application/json", "x-zm-trackingid": "t-404"},
            b'{"code": 1001, "message": "Call queue does not exist"}',
        )
    err = info.value
    assert isinstance(err, exceptions.NotFoundError)
    assert (err.code, err.status, err.zoom_code, err.tracking_id) == ("not_found", 404, 1001, "t-404")
    assert "Call queue does not exist" in str(err)


def test_non_json_success_raises_decode_error() -> None:
    with pytest.raises(exceptions.DecodeError) as info:
        zoom_phone.parse_response("listCallQueues", 200, {"content-type": "text/html"}, b"<html>")
    assert (info.value.code, info.value.status) == ("decode_error", 200)


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert zoom_phone.__version__ == version("zoom-phone")


def test_the_wheel_has_a_long_description() -> None:
    """The package page shows what it is, how to install it and an example."""
    from importlib.metadata import metadata

    meta = metadata("zoom-phone")
    assert meta["Description-Content-Type"].startswith("text/markdown")
    text = meta.get_payload() or meta["Description"]  # type: ignore[attr-defined]
    assert "pip install zoom-phone" in text
    assert "with ZoomPhone(" in text


def test_importing_the_package_leaves_asyncio_for_the_async_client() -> None:
    # A program of threads does not pay for asyncio at import (a tenth of the
    # package's import time); the asyncio client brings it on first use.
    probe = (
        "import sys, zoom_phone\n"
        "print('asyncio' in sys.modules, 'concurrent.futures' in sys.modules)\n"
        "client = zoom_phone.AsyncZoomPhone(access_token='t')\n"
        "print('asyncio' in sys.modules, type(client).__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout.split()
    assert out == ["False", "False", "True", "zoom_phone._async_client"]
    with pytest.raises(AttributeError, match="no attribute 'AsyncZoomPhon'"):
        getattr(zoom_phone, "AsyncZoomPhon")

