"""Labels read the same on every portal form: no ":" suffix, in any language."""

import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "url_name", ["tickets:create", "tickets:list", "accounts:profile", "activity:feed"]
)
def test_labels_carry_no_suffix(client, world, language, url_name):
    world.manager.language = language
    world.manager.save(update_fields=["language"])
    client.force_login(world.manager)
    body = client.get(reverse(url_name)).content.decode()
    labels = re.findall(r"<(?:label|legend)\b[^>]*>(.*?)</(?:label|legend)>", body, re.DOTALL)
    assert labels, "the page has no labels at all"
    suffixed = [text for text in labels if re.search(r"\s*:\s*$", re.sub(r"<[^>]+>", "", text))]
    assert suffixed == []


def test_choice_groups_are_fieldsets_with_a_legend(client, world):
    client.force_login(world.member)
    body = client.get(reverse("tickets:create")).content.decode()
    assert re.search(r"<fieldset[^>]*>\s*<legend>Keep informed</legend>", body)
