"""@mentions of colleagues in internal notes.

A colleague is named by their e-mail address or its part before the "@"
(`@ana` or `@ana@support.example`): both are unique enough among the support
staff, need no new field, and are what an agent already knows of a colleague.
An e-mail address written in a note ("the client wrote from bob@example.com")
is not a mention: a mention starts the text or follows a space or a bracket.
"""

import re

from django.contrib.auth import get_user_model
from django.db.models import Q

MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)", re.UNICODE)


def handles(text: str) -> list[str]:
    """The names mentioned, in order, each once, without trailing punctuation."""
    found = []
    for match in MENTION.finditer(text or ""):
        handle = match.group(1).rstrip(".-").lower()
        if handle and handle not in found:
            found.append(handle)
    return found


def find(text: str) -> list:
    """Each mention as the staff user it names, or as its text when it names nobody.

    A local part two colleagues share names nobody: the writer is asked to use
    the whole address.
    """
    names = handles(text)
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(email__iexact=name) if "@" in name else Q(email__istartswith=f"{name}@")
    staff = list(get_user_model().objects.filter(query, is_staff=True, is_active=True))
    result = []
    for name in names:
        if "@" in name:
            matches = [u for u in staff if u.email.lower() == name]
        else:
            matches = [u for u in staff if u.email.lower().split("@", 1)[0] == name]
        result.append(matches[0] if len(matches) == 1 else name)
    return result


def handle_of(user) -> str:
    return user.email.split("@", 1)[0].lower()
