"""The knowledge base admin, by subdomain (Django autodiscovers this package).

- categories: the categories, one level deep, their icons and translated names;
- records: read-only feedback, searches and deflections;
- common: what they share.
"""

from .categories import CategoryAdmin
from .records import DeflectionAdmin, FeedbackAdmin, SearchLogAdmin

__all__ = ["CategoryAdmin", "DeflectionAdmin", "FeedbackAdmin", "SearchLogAdmin"]
