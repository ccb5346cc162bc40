"""Choice labels read once per language, for models whose labels fill lists.

Django's get_FOO_display() rebuilds a dictionary of the field's choices on every
call and, to make it hashable, hashes every lazy label, which translates each: a
status read on 25 rows costs some 200 translations. The same label, by field,
value and language, is computed once here.
"""

from functools import lru_cache

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@lru_cache(maxsize=2048)
def _label(field, value, language):
    return force_str(dict(make_hashable(field.flatchoices)).get(value, value), strings_only=True)


class ChoiceLabels:
    """A model mixin: its get_FOO_display() methods answer from a per-language cache."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return _label(field, make_hashable(value), get_language())
        except TypeError:  # a value that cannot be a key: as Django does it
            return super()._get_FIELD_display(field)
