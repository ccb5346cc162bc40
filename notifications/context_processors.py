from .centre import Notices


def notifications(request):
    """`notices` for the bell and the banners; lazy, and absent for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices": Notices(request)}
