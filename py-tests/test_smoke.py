"""The installed wheel as Python users get it."""

from __future__ import annotations

from typing import Any

import pytest

import zoom_phone
from zoom_phone import exceptions


def test_catalog_is_python_objects() -> None:
    c = zoom_phone.catalog()
    assert isinstance(c, dict)
    assert isinstance(c["spec_version"], str)
    assert isinstance(c["operations"], list)


def test_unknown_operation_raises_build_error() -> None:
    with pytest.raises(exceptions.BuildError) as info:
        zoom_phone.build_request("noSuchOperation", {})
    err = info.value
    assert isinstance(err, zoom_phone.ZoomPhoneError)
    assert isinstance(err, ValueError)
    assert err.code == "unknown_operation"
    assert err.status is None
    assert "noSuchOperation" in str(err)


def test_exception_hierarchy_is_rooted_at_zoom_phone_error() -> None:
    for name in exceptions.__all__:
        assert issubclass(getattr(exceptions, name), exceptions.ZoomPhoneError)
    assert issubclass(exceptions.TimeoutError, TimeoutError)


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((123, {}), {}, TypeError),  # operation id not a str
        (("listCallQueues", ["page_size", 10]), {}, TypeError),  # params not a dict
        (("listCallQueues", {"page_size": object()}), {}, TypeError),  # not a JSON value
        (("listCallQueues", {1: "x"}), {}, TypeError),  # non-str key
        (("listCallQueues", {"page_size": 2**70}), {}, ValueError),  # beyond 64 bits
        (("listCallQueues", {"x": float("nan")}), {}, ValueError),  # not JSON
        (("listCallQueues", {}), {"base_url": 5}, TypeError),
    ],
)
def test_wrong_types_raise_python_exceptions(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        zoom_phone.build_request(*args, **kwargs)


def test_self_containing_params_raise_instead_of_overflowing_the_stack() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested deeper"):
        zoom_phone.build_request("listCallQueues", {"x": loop})
    # The interpreter and the module are still fine.
    with pytest.raises(exceptions.BuildError):
        zoom_phone.build_request("noSuchOperation")


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert zoom_phone.__version__ == version("zoom-phone")
