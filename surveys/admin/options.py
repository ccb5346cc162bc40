"""A choice question's options as staff type them: one a line,
`value | English | Español | Português | Français`.

The value is what an answer stores and a condition compares with, so it is a slug
and is unique within the question; the texts after it are what clients read
(a missing language falls back, as every translated text does).
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils.translation import gettext as _

from accounts.configtext import ALL

COLUMNS = ("value", *ALL)  # value, en, es, pt, fr
VALUE_MAX = 100  # Question.condition_value's length


def format_options(options) -> str:
    lines = []
    for option in options or []:
        parts = [str(option.get(name, "") or "") for name in COLUMNS]
        while len(parts) > 2 and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def parse_options(text: str) -> list[dict]:
    """The options of `text`, or ValidationError naming every bad line."""
    options, errors, seen = [], [], {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > len(COLUMNS):
            errors.append(
                _(
                    "Line %(line)s has more than five parts: write "
                    "value | English | Español | Português | Français."
                )
                % {"line": number}
            )
            continue
        parts += [""] * (len(COLUMNS) - len(parts))
        value, english = parts[0], parts[1]
        if not value or not english:
            errors.append(
                _("Line %(line)s needs a value and its English text: value | English | …")
                % {"line": number}
            )
            continue
        try:
            validate_unicode_slug(value)
            if len(value) > VALUE_MAX:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(
                _(
                    "Line %(line)s: the value “%(value)s” may have only letters, digits, "
                    "hyphens and underscores (at most %(max)s)."
                )
                % {"line": number, "value": value, "max": VALUE_MAX}
            )
            continue
        if value in seen:
            errors.append(
                _("Line %(line)s: the value “%(value)s” is already used on line %(first)s.")
                % {"line": number, "value": value, "first": seen[value]}
            )
            continue
        seen[value] = number
        options.append(dict(zip(COLUMNS, parts, strict=True)))
    if errors:
        raise ValidationError(errors)
    return options
