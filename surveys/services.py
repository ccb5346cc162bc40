"""Every change to forms, sendings and answers goes through here.

A refusal raises ValidationError with a message in the reader's language and
changes nothing. Submitting is exactly once: the response row is locked, and a
second submit (or one after the sending closed) is refused and says why.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.configtext import organisation_language
from accounts.models import Membership, Role
from activity.services import record_event, record_events
from core.i18n import override_for
from tickets import services as ticket_services
from tickets.models import ClientTask

from .models import (
    Audience,
    FollowUp,
    Form,
    FormKind,
    FormVersion,
    Invitation,
    Question,
    Response,
    ResponseStatus,
    Schedule,
    Sending,
    Trigger,
)

COPIED = [f.name for f in Question._meta.concrete_fields if f.name not in ("id", "form_version")]


# Building ------------------------------------------------------------------------------


def current_version(form: Form) -> FormVersion | None:
    return form.versions.order_by("-number").first()


@transaction.atomic
def version_for_editing(*, form: Form, by) -> FormVersion:
    """The version staff may change: the current one while nobody answered it, else a copy."""
    Form.objects.select_for_update().get(pk=form.pk)
    version = current_version(form)
    if version is not None and not version.responses.exists():
        return version
    number = version.number + 1 if version else 1
    fresh = FormVersion.objects.create(form=form, number=number, created_by=by)
    if version is not None:
        Question.objects.bulk_create(
            [
                Question(form_version=fresh, **{name: getattr(q, name) for name in COPIED})
                for q in version.questions.all()
            ]
        )
    return fresh


# Sending -------------------------------------------------------------------------------


def _people(organisation, audience, chosen):
    members = Membership.objects.filter(
        organisation=organisation, is_active=True, user__is_active=True
    )
    if audience == Audience.MANAGERS:
        members = members.filter(role=Role.MANAGER)
    elif audience == Audience.CHOSEN:
        members = members.filter(user__in=chosen)
    return [m.user for m in members.select_related("user")]


@transaction.atomic
def send(
    *,
    form: Form,
    organisation,
    audience: str,
    by=None,
    chosen=(),
    ticket=None,
    wish_number: str = "",
    trigger: str = Trigger.MANUAL,
    due_on: date | None = None,
    closes_at=None,
    remind_at=None,
    schedule: Schedule | None = None,
    period: str = "",
) -> Sending | None:
    """Send the form's current version; None when a schedule already sent it this period."""
    version = current_version(form)
    if version is None or not version.questions.exists():
        raise ValidationError(_("This form has no questions yet."))
    people = _people(organisation, audience, chosen)
    if not people:
        raise ValidationError(_("Nobody of this organisation would receive it."))
    if closes_at and closes_at <= timezone.now():
        raise ValidationError(_("The closing date is already past."))
    try:
        with transaction.atomic():
            sending = Sending.objects.create(
                form=form,
                version=version,
                organisation=organisation,
                audience=audience,
                ticket=ticket,
                wish_number=wish_number,
                trigger=trigger,
                due_on=due_on,
                closes_at=closes_at,
                remind_at=remind_at,
                schedule=schedule,
                period=period,
                created_by=by if by is not None and by.is_authenticated else None,
            )
    except IntegrityError:
        if schedule is not None or trigger in (Trigger.TICKET_CLOSED, Trigger.WISH_DONE):
            return None  # another beat, or the trigger run again, sent it already
        raise
    invitations = Invitation.objects.bulk_create(
        [Invitation(sending=sending, user=person, token=secrets.token_hex(16)) for person in people]
    )
    if ticket is not None and form.kind == FormKind.DATA:
        _ask_on_ticket(sending, invitations, by)
    else:
        _announce(sending, invitations, "survey_sent", by)
    return sending


def _ask_on_ticket(sending, invitations, by) -> None:
    """A data form on a ticket is a client task of it, done when the form is sent back."""
    ticket = sending.ticket
    for invitation in invitations:
        # The task's title is read by the client: in their language, with the form's.
        with (
            override_for(invitation.user),
            organisation_language(sending.organisation.default_language),
        ):
            title = _("Fill in the form “%(title)s”") % {"title": sending.form.tr("title")}
        task = ticket_services.client_task_add(
            ticket=ticket,
            title=title,
            # The task links to the form (the ticket page turns the address into a link).
            details=f"{settings.SITE_URL}{invitation.get_absolute_url()}",
            due_date=sending.due_on,
            assignee=invitation.user,
            by=by,
        )
        invitation.client_task_id = task.pk
        invitation.save(update_fields=["client_task_id"])
    record_event(
        organisation=ticket.organisation,
        actor=by,
        verb="data_form_requested",
        target=sending,
        data={"number": ticket.number, "subject": ticket.subject, "title": _titles(sending.form)},
    )


# Answering -----------------------------------------------------------------------------


def _open_response(invitation: Invitation) -> Response:
    response, _created = Response.objects.get_or_create(
        invitation=invitation,
        defaults={"version": invitation.sending.version, "status": ResponseStatus.DRAFT},
    )
    return Response.objects.select_for_update().get(pk=response.pk)


def _refuse_if_closed(invitation: Invitation) -> None:
    # Read afresh: the page may have loaded the sending before the beat closed it.
    sending = Sending.objects.only("closes_at", "closed_at").get(pk=invitation.sending_id)
    if sending.is_closed():
        raise ValidationError(_("This form is closed: answers are no longer accepted."))


@transaction.atomic
def draft_save(*, invitation: Invitation, answers: dict) -> Response:
    """Keep what the person typed so far; no check but the closing date."""
    _refuse_if_closed(invitation)
    response = _open_response(invitation)
    if response.status == ResponseStatus.SUBMITTED:
        raise ValidationError(_("You have already sent your answers."))
    response.answers = answers
    response.updated_at = timezone.now()
    response.save(update_fields=["answers", "updated_at"])
    return response


@transaction.atomic
def submit(*, invitation: Invitation, answers: dict) -> Response:
    """Send the answers, once; `answers` were checked by the form (forms.AnswerForm)."""
    _refuse_if_closed(invitation)
    response = _open_response(invitation)
    if response.status == ResponseStatus.SUBMITTED:
        raise ValidationError(_("You have already sent your answers."))
    now = timezone.now()
    response.answers = answers
    response.status = ResponseStatus.SUBMITTED
    response.updated_at = response.submitted_at = now
    response.save(update_fields=["answers", "status", "updated_at", "submitted_at"])
    sending = invitation.sending
    person = None if sending.form.anonymous else invitation.user
    if invitation.client_task_id:
        task = ClientTask.objects.filter(pk=invitation.client_task_id).first()
        if task is not None:
            ticket_services.client_task_complete(task=task, by=invitation.user)
        record_event(
            organisation=sending.organisation,
            actor=invitation.user,
            verb="data_form_completed",
            target=sending,
            data={
                "number": sending.ticket.number,
                "subject": sending.ticket.subject,
                "title": _titles(sending.form),
            },
        )
    elif person is None:
        # Staff read every event: one naming the person, at the second of the response's
        # submission, would say who wrote which anonymous answer.
        record_event(
            organisation=sending.organisation,
            actor=None,
            verb="survey_answered",
            target=sending,
            data={"title": _titles(sending.form)},
        )
    else:
        record_event(
            organisation=sending.organisation,
            actor=person,
            verb="survey_answered",
            target=invitation,
            data={
                "user_id": invitation.user_id,
                "invitation": invitation.token,
                "title": _titles(sending.form),
            },
        )
    return response


# Schedules -----------------------------------------------------------------------------


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _titles(form) -> dict:
    """The form's title in each language it has, so each reader's feed shows theirs."""
    return {
        code: form.version("title", code)
        for code in ("en", "es", "pt", "fr")
        if form.version("title", code)
    }


def _announce(sending: Sending, invitations, verb: str, by=None) -> None:
    record_events(
        [
            {
                "organisation": sending.organisation,
                "actor": by,
                "verb": verb,
                "target": invitation,
                "data": {
                    "user_id": invitation.user_id,
                    "invitation": invitation.token,
                    "title": _titles(sending.form),
                    "due_on": sending.due_on.isoformat() if sending.due_on else "",
                },
            }
            for invitation in invitations
        ]
    )


# Reminders and closing -----------------------------------------------------------------


def _waiting(sending):
    return sending.invitations.exclude(response__status=ResponseStatus.SUBMITTED)


def remind_due(now=None) -> int:
    """Remind, once, those who have not answered a sending whose reminder time came."""
    now = now or timezone.now()
    reminded = 0
    due = Sending.objects.filter(remind_at__lte=now, reminded_at__isnull=True, closed_at=None)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # The row's update decides who reminds: a second beat finds it done.
            claimed = Sending.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            sending = Sending.objects.select_related("form", "organisation").get(pk=pk)
            if sending.is_closed(now):
                continue
            waiting = list(_waiting(sending))
            _announce(sending, waiting, "survey_reminder")
            reminded += len(waiting)
    return reminded


def close_due(now=None) -> int:
    """Close the sendings whose closing time came, once each, and say so."""
    now = now or timezone.now()
    closed = 0
    due = Sending.objects.filter(closes_at__lte=now, closed_at=None)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            if not Sending.objects.filter(pk=pk, closed_at=None).update(closed_at=now):
                continue
            sending = Sending.objects.select_related("form", "organisation").get(pk=pk)
            _announce(sending, list(_waiting(sending)), "survey_closed")
            closed += 1
    return closed


# Triggers ------------------------------------------------------------------------------


def schedules_due(today: date | None = None) -> int:
    """Send each active schedule once this quarter to each of its organisations."""
    from accounts.models import Organisation

    today = today or timezone.localdate()
    period = quarter(today)
    sent = 0
    for schedule in Schedule.objects.filter(is_active=True).select_related("form"):
        organisations = schedule.organisations.filter(is_active=True)
        if not schedule.organisations.exists():
            organisations = Organisation.objects.filter(is_active=True)
        for organisation in organisations:
            if Sending.objects.filter(
                schedule=schedule, organisation=organisation, period=period
            ).exists():
                continue
            try:
                sending = send(
                    form=schedule.form,
                    organisation=organisation,
                    audience=schedule.audience,
                    trigger=Trigger.SCHEDULE,
                    schedule=schedule,
                    period=period,
                    closes_at=timezone.now() + timedelta(days=schedule.open_days),
                    remind_at=timezone.now() + timedelta(days=max(schedule.open_days - 7, 1)),
                )
            except ValidationError:
                continue  # nobody to ask there, or no questions yet
            sent += sending is not None
    return sent


def after_ticket_closed(ticket) -> Sending | None:
    """The follow-up survey of a closed ticket's request type, to its requester, once."""
    # One survey a closed ticket: the first active rule that fits it (the oldest first).
    rules = FollowUp.objects.filter(is_active=True).select_related("form").order_by("pk")
    for rule in rules:
        types = set(rule.request_types.values_list("pk", flat=True))
        if types and ticket.request_type_id not in types:
            continue
        if Sending.objects.filter(
            form=rule.form, ticket=ticket, trigger=Trigger.TICKET_CLOSED
        ).exists():
            return None
        try:
            return send(
                form=rule.form,
                organisation=ticket.organisation,
                audience=Audience.CHOSEN,
                chosen=[ticket.requester],
                ticket=ticket,
                trigger=Trigger.TICKET_CLOSED,
                closes_at=timezone.now() + timedelta(days=rule.close_after_days),
            )
        except ValidationError:
            return None
    return None


def after_wish_done(*, organisation, wish_number: str, people) -> list[Sending]:
    """The forms marked for it, to the people of a wish that was done, once per wish."""
    sent = []
    for form in Form.objects.filter(send_on_wish_done=True):
        if Sending.objects.filter(
            form=form, wish_number=wish_number, trigger=Trigger.WISH_DONE
        ).exists():
            continue
        try:
            sending = send(
                form=form,
                organisation=organisation,
                audience=Audience.CHOSEN,
                chosen=list(people),
                wish_number=wish_number,
                trigger=Trigger.WISH_DONE,
                closes_at=timezone.now() + timedelta(days=14),
            )
        except ValidationError:
            continue
        sent.append(sending)
    return sent
