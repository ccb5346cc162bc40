"""Forms with one question of every type, made as staff make them."""

from surveys import services
from surveys.models import Form, FormKind, Question, QuestionType

CHOICES = [
    {"value": "fibre", "en": "Fibre", "es": "Fibra", "pt": "Fibra", "fr": "Fibre"},
    {"value": "radio", "en": "Radio link", "es": "Radioenlace", "pt": "Rádio", "fr": "Faisceau"},
]


def make_form(kind=FormKind.SURVEY, *, questions=None, **fields) -> Form:
    fields.setdefault("title", "Quarterly review")
    fields.setdefault("title_es", "Revisión trimestral")
    form = Form.objects.create(kind=kind, **fields)
    version = services.version_for_editing(form=form, by=None)
    for order, spec in enumerate(EVERY_TYPE if questions is None else questions):
        Question.objects.create(form_version=version, order=order, **spec)
    return form


EVERY_TYPE = [
    {"key": "name", "type": QuestionType.SHORT_TEXT, "label": "Your name", "required": True},
    {"key": "story", "type": QuestionType.LONG_TEXT, "label": "What happened"},
    {"key": "link", "type": QuestionType.SINGLE, "label": "Link", "options": CHOICES},
    {"key": "links", "type": QuestionType.MULTIPLE, "label": "Links", "options": CHOICES},
    {"key": "section", "type": QuestionType.SECTION, "label": "About us"},
    {"key": "rating", "type": QuestionType.RATING, "label": "How did we do?", "required": True},
    {"key": "nps", "type": QuestionType.NPS, "label": "Would you recommend us?"},
    {"key": "happy", "type": QuestionType.YES_NO, "label": "Happy?"},
    {
        "key": "why",
        "type": QuestionType.LONG_TEXT,
        "label": "Why not?",
        "condition_key": "happy",
        "condition_value": "no",
        "required": True,
    },
    {"key": "since", "type": QuestionType.DATE, "label": "Since when"},
    {"key": "sites", "type": QuestionType.NUMBER, "label": "Sites", "minimum": 1, "maximum": 50},
    {"key": "email", "type": QuestionType.EMAIL, "label": "E-mail"},
    {"key": "plan", "type": QuestionType.FILE, "label": "Floor plan"},
]
