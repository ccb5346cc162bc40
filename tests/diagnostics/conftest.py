import pytest

from tests.diagnostics.fake_atlas import FakeAtlas


@pytest.fixture
def fake_atlas(settings):
    """A fake RIPE Atlas on 127.0.0.1, with the settings pointed at it and key "default"."""
    with FakeAtlas() as fake:
        settings.ATLAS_API_URL = fake.base_url
        settings.ATLAS_API_KEYS = {"default": "test-key"}
        yield fake
