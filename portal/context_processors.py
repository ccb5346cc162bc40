from django.conf import settings
from django.urls import reverse

from core import plugins


def portal(request):
    access = getattr(request, "access", None)
    if access is None or access.active is None:
        return {"nav_areas": [], "languages": settings.LANGUAGES}
    areas = [
        a
        for a in plugins.areas()
        if (not a.manager_only or access.is_manager)
        and (not a.whole_organisation or access.sees_whole_organisation)
    ]
    # The area whose address is the longest prefix of this page is the current one.
    current, length = None, 0
    for area in areas:
        url = reverse(area.url_name)
        if (
            request.path.startswith(url)
            and len(url) > length
            and (url != "/" or request.path == "/")
        ):
            current, length = area.key, len(url)
    return {"nav_areas": areas, "nav_active": current, "languages": settings.LANGUAGES}
