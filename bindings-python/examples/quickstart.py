"""The shortest useful program, type-checked by ``mypy --strict`` in CI."""

from __future__ import annotations

import asyncio
import os

from zoom_phone import AsyncZoomPhone, ZoomPhone

ACCOUNT_ID = os.environ.get("ZOOM_ACCOUNT_ID", "mock-account")
CLIENT_ID = os.environ.get("ZOOM_CLIENT_ID", "mock-client-id")
CLIENT_SECRET = os.environ.get("ZOOM_CLIENT_SECRET", "mock-client-secret")
MOCK = os.environ.get("ZOOM_PHONE_MOCK_URL")
BASE_URL = f"{MOCK}/v2" if MOCK else None


def client() -> ZoomPhone:
    return ZoomPhone(
        account_id=ACCOUNT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=BASE_URL, oauth_base=MOCK
    )


def sync_queues() -> list[str]:
    with client() as zp:
        names: list[str] = []
        for queue in zp.call_queues.list_call_queues.iter(page_size=100):
            names.append(queue.get("name", ""))
        return names


async def async_sites() -> int:
    async with AsyncZoomPhone(
        account_id=ACCOUNT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=BASE_URL, oauth_base=MOCK
    ) as zp:
        page = await zp.sites.list_phone_sites(page_size=10)
        return page.get("total_records", 0)


if __name__ == "__main__":
    print(len(sync_queues()), "call queues")
    print(asyncio.run(async_sites()), "sites")
