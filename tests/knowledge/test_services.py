"""Writes of the knowledge base: revisions, staleness, conflicts, what is logged."""

import pytest
from django.core.exceptions import ValidationError

from knowledge import services
from knowledge.models import ArticleTranslation, SearchLog
from tests.knowledge.factories import article


def _save(made, language, body, user=None, **kwargs):
    return services.save_translation(
        article=made,
        language=language,
        title=f"T {language}",
        summary="",
        body=body,
        tags="",
        user=user,
        **kwargs,
    )


def test_a_translation_is_stale_once_the_original_moves_on(world):
    made = article({"es": ("Título", "Uno."), "en": ("Title", "One.")})
    assert services.stale_languages(made) == []
    _save(made, "es", "Dos.")
    assert services.stale_languages(made) == ["en"]
    _save(made, "en", "Two.")
    assert services.stale_languages(made) == []


def test_restoring_an_old_translation_keeps_it_stale(world):
    made = article({"es": ("Título", "Uno."), "en": ("Title", "One.")})
    old = ArticleTranslation.objects.get(article=made, language="en").versions.get()
    _save(made, "es", "Dos.")
    _save(made, "en", "Two.")
    assert services.stale_languages(made) == []
    services.restore_version(version=old, user=world.agent)
    assert services.stale_languages(made) == ["en"]


def test_a_new_original_language_makes_the_others_stale(world):
    made = article({"es": ("Título", "Uno."), "en": ("Title", "One.")})
    for n in range(3):
        _save(made, "es", f"Cambio {n}.")
    _save(made, "en", "Up to date.")
    made.original_language = "en"
    made.save()
    services.original_language_changed(made)
    assert services.stale_languages(made) == ["es"]
    _save(made, "es", "Puesto al día.")
    assert services.stale_languages(made) == []
    _save(made, "en", "Changed again.")
    assert services.stale_languages(made) == ["es"]


def test_a_save_from_an_old_revision_is_refused_and_changes_nothing(world):
    made = article({"es": ("Título", "Uno.")})
    _save(made, "es", "Dos.", user=world.supervisor)
    with pytest.raises(ValidationError, match="Sergio Supervisor"):
        _save(made, "es", "Mi versión.", user=world.agent, expected_revision=1)
    text = ArticleTranslation.objects.get(article=made)
    assert (text.revision, text.body) == (2, "Dos.")
    _save(made, "es", "Mi versión.", user=world.agent, expected_revision=2)
    assert ArticleTranslation.objects.get(article=made).revision == 3


def test_feedback_comment_loses_control_characters(world):
    made = article({"es": ("Título", "Uno.")})
    given = services.give_feedback(
        article=made,
        user=world.member,
        organisation=world.org,
        language="es",
        helpful=False,
        comment="falta\x00 el\tmodelo\nde router",
    )
    assert given.comment == "falta el\tmodelo\nde router"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("factura de ana.perez@andes.cl", "factura de [e-mail]"),
        ("llamar al +56 9 8765 4321 por el corte", "llamar al [number] por el corte"),
        ("cliente 4481223 sin servicio", "cliente [number] sin servicio"),
        ("router 2024 wifi 6", "router 2024 wifi 6"),
    ],
)
def test_searches_keep_the_words_not_who_typed_them(world, typed, kept):
    log = services.log_search(organisation=world.org, query=typed, language="es", results=0)
    assert SearchLog.objects.get(pk=log.pk).query == kept
