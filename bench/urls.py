"""The portal's URLs plus the bench's floor page (bench/floor.py): the root URLconf
`make bench` serves (ROOT_URLCONF=bench.urls), never production's."""

from django.urls import include, path

from bench.floor import FLOOR_PATH, floor

# By name, not imported: config and bench sit side by side in the layers. A page
# that fails stops the bench, so config.urls' handler500 is not needed here.
urlpatterns = [
    path(FLOOR_PATH.lstrip("/"), floor, name="bench_floor"),
    path("", include("config.urls")),
]
