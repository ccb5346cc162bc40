"""Outbound channels, each a class with the interface of `base.Channel`.

settings.NOTIFICATION_CHANNELS lists them by dotted path; a WhatsApp or SMS
provider is one more class there. The in-portal centre is not a channel
class: its rows are written as sent and read in the portal.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _load(paths: tuple[str, ...]) -> dict:
    channels = [import_string(path)() for path in paths]
    return {channel.key: channel for channel in channels}


def registry() -> dict:
    """The configured channels that are switched on, by key."""
    return {
        key: channel
        for key, channel in _load(tuple(settings.NOTIFICATION_CHANNELS)).items()
        if channel.enabled()
    }


def get(key: str):
    return _load(tuple(settings.NOTIFICATION_CHANNELS)).get(key)
