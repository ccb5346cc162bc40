"""The knowledge base admin, by subdomain (Django autodiscovers this package).

- categories: the categories, one level deep, their icons and translated names;
- article: ArticleAdmin, the article page (settings, files, publishing) and its URLs;
- changelist: the articles' list, its columns, filters and the "Publish" action;
- texts: the texts (one per language) on the article page, their versions and restore;
- attachments: the article's files, named for Markdown, opened by staff;
- preview: what a client of an organisation sees of an article, or why nothing;
- report: "What to write next", each section also as CSV;
- ticket_links: the articles an agent links from a ticket's reply (knowledge/parts.py);
- records: read-only feedback, searches and deflections;
- diff, common: what they share.
"""

from .article import ArticleAdmin
from .categories import CategoryAdmin
from .records import DeflectionAdmin, FeedbackAdmin, SearchLogAdmin

__all__ = ["ArticleAdmin", "CategoryAdmin", "DeflectionAdmin", "FeedbackAdmin", "SearchLogAdmin"]
