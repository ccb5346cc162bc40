"""The load agents' authenticator keys and the codes they show (no locust, no Django)."""

import hashlib
import time

from django_otp.oath import TOTP


def agent_key(n: int) -> str:
    """Agent n's TOTP key, hex as django-otp keeps it: known to the run and its personas."""
    return hashlib.sha256(f"load-agent-{n}".encode()).hexdigest()[:40]  # 20 bytes


def current_code(key_hex: str, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"
