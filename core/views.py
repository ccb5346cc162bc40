"""The answer to a form that runs one service: its refusal, or a success message, then a page.

Services refuse with a ValidationError whose messages are written for the person
acting; a view shows them as they are and changes nothing else.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def act(request, to, action, success=None):
    """Run `action`, show its refusal or `success`, redirect to `to` (object, URL or view name)."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if success:
            messages.success(request, success)
    return redirect(to)
