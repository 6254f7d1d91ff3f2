"""The example of the PyPI page (bindings-python/README.md), type-checked by
``mypy --strict`` with the other examples; scripts/check-packaging.sh fails
if the README's block is not the one between the markers."""

# README begin
from zoom_phone import ZoomPhone, NotFoundError

with ZoomPhone(account_id="...", client_id="...", client_secret="...") as zp:  # server-to-server OAuth
    for user in zp.users.list_phone_users.iter(page_size=100, limit=500):   # every page, fetched as needed
        print(user["email"], user.get("extension_number"))
    zp.call_queues.update_call_queue(call_queue_id="q1", body={"name": "Support"})
    try:
        zp.users.phone_user(user_id="nobody")
    except NotFoundError as e:
        print(e.status, e.zoom_code, e.tracking_id)
# README end
