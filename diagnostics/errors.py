"""What the diagnostics layer refuses, and what RIPE Atlas answers when it refuses.

Every error is a ValidationError, so that a form's clean() or a service may let
it through and `core.views.act` shows it as it is. Each carries a machine `code`
and the `params` of its message; the message is translated when it is read
(`str(error)` or `error.messages`), in the language active then, so a task may
keep the code and params and a page show the text in its reader's language.
"""

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A target, a definition or a probe selection the portal will not send."""

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code=code, params=params or {})

    def __str__(self):
        return self.messages[0]

    @property
    def text(self) -> str:
        """The message in the active language."""
        return self.messages[0]


class AtlasError(Refused):
    """RIPE Atlas did not do what was asked; `status` is the HTTP status, if there was one.

    `detail` is Atlas' own text (English, unchanged), kept for logs and staff.
    """

    def __init__(self, message, code=None, params=None, *, status=None, detail=""):
        super().__init__(message, code=code, params=params)
        self.status = status
        self.detail = detail


class AtlasRefused(AtlasError):
    """400 (or another 4xx): Atlas refused the request; `fields` maps a field to Atlas' texts.

    Codes: "refused", "no_probes" (no suitable probes), "over_limit" (an account
    limit: daily results, concurrent measurements), "credits" (not enough credits),
    "not_found" (404: no such measurement).
    """

    def __init__(self, message, code=None, params=None, *, status=None, detail="", fields=None):
        super().__init__(message, code=code, params=params, status=status, detail=detail)
        self.fields = fields or {}


class AtlasUnauthorized(AtlasError):
    """The API key is missing ("no_key"), unknown to Atlas ("bad_key") or not allowed
    ("forbidden")."""


class AtlasRateLimited(AtlasError):
    """429: Atlas asks to slow down; try again after `retry_after` seconds."""

    def __init__(self, message, code=None, params=None, *, status=None, detail="", retry_after=60):
        super().__init__(message, code=code, params=params, status=status, detail=detail)
        self.retry_after = retry_after


class AtlasUnavailable(AtlasError):
    """Atlas could not be reached or answered badly: "timeout", "connection", "server_error"
    (5xx) or "bad_response" (not the JSON expected). Worth retrying later."""
