"""The client's surveys and forms: what waits, the form with its draft, the answers sent.

Everything reads through Invitation.objects.visible_to(user, organisation=): an
invitation that is not the reader's is a 404. The draft is saved as the person
types (htmx, every few seconds) and by "Save and finish later"; "Send" checks every
answer and submits once.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import SESSION_KEY
from core.uploads import clean_uploads

from . import services
from .forms import AnswerForm, draft_values, initial_from, readable
from .models import Invitation, Response, ResponseFile, ResponseStatus

PAGE_SIZE = 25


def _client(request):
    if request.user.is_staff or request.access.active is None:
        raise Http404
    return request.access.active


def _get(request, token) -> Invitation:
    _client(request)
    invitation = (
        Invitation.objects.visible_to(request.user)
        .select_related("sending__form", "sending__version", "sending__ticket")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404
    if invitation.sending.organisation_id != request.access.active.pk:
        request.session[SESSION_KEY] = invitation.sending.organisation_id
    return invitation


def _response(invitation):
    # No response yet raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(invitation, "response", None)


@login_required
@require_GET
def survey_list(request):
    organisation = _client(request)
    now = timezone.now()
    invitations = (
        Invitation.objects.visible_to(request.user, organisation=organisation)
        .select_related("sending__form", "response")
        .order_by("-created_at", "-pk")
    )
    waiting, answered, closed = [], [], []
    for invitation in invitations[:200]:
        response = _response(invitation)
        if response is not None and response.status == ResponseStatus.SUBMITTED:
            answered.append(invitation)
        elif invitation.sending.is_closed(now):
            closed.append(invitation)
        else:
            invitation.has_draft = response is not None
            waiting.append(invitation)
    tab = request.GET.get("tab", "waiting")
    if tab not in ("waiting", "answered", "closed"):
        tab = "waiting"
    shown = {"waiting": waiting, "answered": answered, "closed": closed}[tab]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/list.html",
        {
            "tab": tab,
            "page": page,
            "counts": {"waiting": len(waiting), "answered": len(answered), "closed": len(closed)},
        },
    )


def _questions(invitation):
    return list(invitation.sending.version.questions.all())


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, token):
    invitation = _get(request, token)
    sending = invitation.sending
    questions = _questions(invitation)
    response = _response(invitation)
    submitted = response is not None and response.status == ResponseStatus.SUBMITTED
    closed = sending.is_closed()
    if request.method == "POST":
        if submitted or closed:
            messages.error(
                request,
                _("You have already sent your answers.")
                if submitted
                else _("This form is closed: answers are no longer accepted."),
            )
            return redirect(invitation)
        if request.POST.get("action") != "submit":
            return _save_draft(request, invitation, questions)
        form = AnswerForm(request.POST, request.FILES, questions=questions)
        if form.is_valid():
            try:
                # A refused submit (sent meanwhile from another tab, or closed) keeps no file.
                with transaction.atomic():
                    answers = _with_files(form, invitation)
                    services.submit(invitation=invitation, answers=answers)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: your answers are sent."))
                return redirect(invitation)
        status = 400
    else:
        initial = initial_from(response.answers) if response is not None else {}
        form = AnswerForm(initial=initial, questions=questions)
        status = 200
    return render(
        request,
        "surveys/answer.html",
        {
            "invitation": invitation,
            "sending": sending,
            "form": form,
            "submitted": submitted,
            "closed": closed,
            "response": response,
            "rows": list(form.rows()),
            "answers": readable(questions, response.answers) if submitted else [],
        },
        status=status,
    )


def _with_files(form, invitation):
    answers = dict(form.answers)
    files = {key: value for key, value in answers.items() if hasattr(value, "read")}
    if not files:
        return answers
    cleaned = clean_uploads(files.values())
    response, _created = Response.objects.get_or_create(
        invitation=invitation,
        defaults={"version": invitation.sending.version, "status": ResponseStatus.DRAFT},
    )
    for key, upload in zip(files, cleaned, strict=True):
        stored = ResponseFile(
            response=response,
            key=key,
            name=upload.name,
            content_type=upload.content_type,
            size=len(upload.data),
        )
        stored.file.save(upload.name, upload.as_file(), save=True)
        answers[key] = {"file": stored.pk, "name": upload.name}
    return answers


def _save_draft(request, invitation, questions):
    try:
        services.draft_save(invitation=invitation, answers=draft_values(questions, request.POST))
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(error.messages[0], status=409)
        for message in error.messages:
            messages.error(request, message)
        return redirect(invitation)
    if request.htmx:
        return render(request, "surveys/_saved.html", {"moment": timezone.now()})
    messages.success(request, _("Your answers are kept: come back to finish them."))
    return redirect("surveys:list")
