"""The admin token: ``Authorization: Bearer <admin_token>`` (setting ``admin_token``)."""

from __future__ import annotations

import hmac

from flask import request


def is_admin(expected: str) -> bool:
    """Whether the request carries the admin token ``expected`` (never, when it is empty)."""
    if not expected:
        return False
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(),
                                                              expected.encode())
