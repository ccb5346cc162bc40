"""Words in ticket threads: the agents' search over replies and internal notes.

Matched with PostgreSQL full-text search on the same expression as the
`comment_body_fts` GIN index (tickets/models.py), so a search reads the index
instead of every comment. `websearch` syntax never fails on what people type
("quoted phrase", -word, or).
"""

from django.contrib.postgres.search import SearchQuery

from .models import COMMENT_SEARCH_VECTOR, Comment


def comments_matching(text: str, *, internal: bool):
    """Comments whose words match `text`; internal notes only when `internal`."""
    query = SearchQuery(text, config="simple", search_type="websearch")
    comments = Comment.objects.annotate(words=COMMENT_SEARCH_VECTOR).filter(words=query)
    if not internal:
        comments = comments.filter(is_internal=False)
    return comments
