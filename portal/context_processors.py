from django.conf import settings

from .navigation import AREAS


def portal(request):
    access = getattr(request, "access", None)
    if access is None or access.active is None:
        return {"nav_areas": [], "languages": settings.LANGUAGES}
    return {
        "nav_areas": [a for a in AREAS if not a.manager_only or access.is_manager],
        "languages": settings.LANGUAGES,
    }
