"""Bad input the crawl (tests/portal/test_crawler.py) found once, pinned here."""

from django.test import RequestFactory

from audit.services import record_export


def test_a_nul_byte_in_an_exports_filters_is_recorded_without_it(world):
    # The resources' CSV with ?kind=1%00 was a 500: jsonb refuses \u0000.
    request = RequestFactory().get("/resources/resources.csv", {"kind": "1\x00", "q\x00": "x"})
    request.user = world.manager
    entry = record_export(request=request, what="inventory.Resource", file_format="csv", rows=0)
    entry.refresh_from_db()
    assert entry.extra["filters"] == {"kind": ["1"], "q": ["x"]}
