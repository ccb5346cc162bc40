from django.utils.functional import Promise


class TemporaryFailure(Exception):
    """Try again later: after `retry_after` seconds if the provider said so, else with backoff.

    `counts` is False when the provider only asked us to slow down (a rate
    limit): such a wait does not use up one of the delivery's attempts.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None, counts: bool = True):
        super().__init__(reason)
        self.retry_after = retry_after
        self.counts = counts


class PermanentFailure(Exception):
    """Retrying cannot help (bad address, the user blocked the bot): stop as failed."""


class Channel:
    """One way of reaching a person.

    `addresses()` says who can be reached (a Telegram link, a phone number) so
    that the fan-out writes rows only for them; `send()` delivers one rendered
    message and raises TemporaryFailure or PermanentFailure when it could not.
    """

    key: str = ""
    label: Promise | str = ""

    def enabled(self) -> bool:
        """Configured on this installation (a bot token, a provider key...)."""
        return True

    def addresses(self, users) -> dict[int, str]:
        """User id → address, for those of `users` this channel can reach."""
        raise NotImplementedError

    def send(self, notification, message) -> None:
        raise NotImplementedError
