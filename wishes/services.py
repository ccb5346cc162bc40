"""Every change to a wish goes through here.

Each function is one transaction that also records its activity event; a refused
change raises ValidationError with a message for the person acting and changes
nothing. Who may move a wish where is decided by states.TRANSITIONS, never here.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Visibility
from activity.services import record_event
from core.uploads import CleanUpload
from tickets import services as ticket_services

from . import states
from .models import Wish, WishAttachment, WishComment, WishMute, WishVersion, WishVote
from .states import AUTHOR, STAFF, RefusalReason, Value, WishStatus

TEXT_FIELDS = ("title", "description", "value", "desired_date", "visible_to_organisation")


def _next_number(now) -> str:
    # One row per year, incremented in place: concurrent submissions serialise on
    # that row and each gets its own number.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wishes_wishnumber (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = wishes_wishnumber.last + 1 "
            "RETURNING last",
            [now.year],
        )
        (last,) = cursor.fetchone()
    return f"WSH-{now.year}-{last:05d}"


def _data(wish, **extra):
    return {"number": wish.number, "subject": wish.title, **extra}


def _event(wish, actor, verb, *, internal=False, target=None, **extra):
    return record_event(
        organisation=wish.organisation,
        actor=actor,
        verb=verb,
        target=target or wish,
        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
        data=_data(wish, **extra),
    )


def _lock(wish) -> Wish:
    return Wish.objects.select_for_update().select_related("organisation").get(pk=wish.pk)


def _store_attachments(wish, uploads: Iterable[CleanUpload], by, comment=None, internal=False):
    for upload in uploads:
        attachment = WishAttachment(
            wish=wish,
            comment=comment,
            uploaded_by=by,
            name=upload.name,
            content_type=upload.content_type,
            size=len(upload.data),
            sha256=upload.sha256,
            is_internal=internal,
        )
        attachment.file.save(upload.name, upload.as_file(), save=False)
        attachment.save()


def _clean_text(fields: dict) -> dict:
    cleaned = dict(fields)
    for name in ("title", "description"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if not cleaned.get("title") or not cleaned.get("description"):
        raise ValidationError(_("A wish needs a title and a description."))
    if cleaned.get("value", Value.MEDIUM) not in Value.values:
        raise ValidationError(_("Choose the business value from the list."))
    return cleaned


def _check_services(organisation, services) -> list:
    services = list(services)
    if any(service.organisation_id != organisation.pk for service in services):
        raise ValidationError(_("Choose services of your organisation."))
    return services


@transaction.atomic
def wish_create(
    *,
    organisation,
    author,
    title: str,
    description: str,
    value: str = Value.MEDIUM,
    desired_date=None,
    services=(),
    visible_to_organisation: bool = True,
    attachments: Iterable[CleanUpload] = (),
    resubmitted_from=None,
) -> Wish:
    """A draft: nobody but its author sees it until it is submitted."""
    if author.is_staff:
        raise ValidationError(_("Wishes are asked for by clients."))
    fields = _clean_text(
        {
            "title": title,
            "description": description,
            "value": value,
            "desired_date": desired_date,
            "visible_to_organisation": visible_to_organisation,
        }
    )
    services = _check_services(organisation, services)
    now = timezone.now()
    wish = Wish.objects.create(
        organisation=organisation,
        author=author,
        number=_next_number(now),
        status=WishStatus.DRAFT,
        resubmitted_from=resubmitted_from,
        created_at=now,
        status_changed_at=now,
        updated_at=now,
        **fields,
    )
    wish.services.set(services)
    _store_attachments(wish, attachments, author)
    return wish


def _check_reach(wish, user):
    # The views already answer 404; a service called from elsewhere refuses too.
    if not Wish.objects.visible_to(user).filter(pk=wish.pk).exists():
        raise ValidationError(_("This wish is not one you can see."))


def _check_author(wish, by):
    if by.pk != wish.author_id:
        raise ValidationError(_("Only the person who asked for this wish can change it."))


@transaction.atomic
def wish_update(
    *, wish, by, services=None, attachments: Iterable[CleanUpload] = (), **fields
) -> Wish:
    """The author edits a draft, or a wish staff asked to change."""
    wish = _lock(wish)
    _check_author(wish, by)
    if wish.status not in states.EDITABLE:
        raise ValidationError(_("This wish can no longer be edited: staff are reviewing it."))
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Not a wish's field: {sorted(unknown)}")
    current = {name: getattr(wish, name) for name in TEXT_FIELDS}
    for name, value in _clean_text({**current, **fields}).items():
        setattr(wish, name, value)
    wish.updated_at = timezone.now()
    wish.save()
    if services is not None:
        wish.services.set(_check_services(wish.organisation, services))
    _store_attachments(wish, attachments, by)
    return wish


@transaction.atomic
def wish_delete_draft(*, wish, by) -> None:
    wish = _lock(wish)
    _check_author(wish, by)
    if wish.status != WishStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    wish.delete()


def _refused_move(wish, to) -> ValidationError:
    return ValidationError(
        _("A wish that is %(current)s cannot be moved to %(target)s.")
        % {
            "current": str(WishStatus(wish.status).label).lower(),
            "target": str(WishStatus(to).label).lower(),
        }
    )


@transaction.atomic
def wish_submit(*, wish, by) -> Wish:
    """The author sends a draft, or the changed text, to staff: a new version is kept."""
    wish = _lock(wish)
    _check_author(wish, by)
    step = states.transition(wish.status, WishStatus.SUBMITTED)
    if step is None or step.by != AUTHOR:
        raise _refused_move(wish, WishStatus.SUBMITTED)
    now = timezone.now()
    version = wish.versions.count() + 1
    WishVersion.objects.create(
        wish=wish,
        number=version,
        title=wish.title,
        description=wish.description,
        submitted_by=by,
        submitted_at=now,
    )
    wish.status = WishStatus.SUBMITTED
    # Staff's last request is answered by this version: it no longer stands.
    wish.decision_note = ""
    wish.submitted_at = wish.submitted_at or now
    wish.status_changed_at = wish.updated_at = now
    wish.position = _last_position(WishStatus.SUBMITTED)
    wish.save()
    extra = {"version": version}
    if wish.resubmitted_from_id and version == 1:
        extra["previous"] = wish.resubmitted_from.number
    _event(wish, by, step.verb, **extra)
    return wish


def _last_position(status) -> float:
    last = (
        Wish.objects.filter(status=status)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def wish_move(
    *,
    wish,
    to: str,
    by,
    note: str = "",
    reason: str = "",
    estimate_hours: Decimal | None = None,
    counts_against_bank: bool | None = None,
    target_date=None,
    position: float | None = None,
) -> Wish:
    """Staff move a wish along its workflow (the review queue, the board)."""
    wish = _lock(wish)
    if not by.is_staff:
        raise ValidationError(_("Only support staff can decide on a wish."))
    step = states.transition(wish.status, to)
    if step is None or step.by != STAFF:
        raise _refused_move(wish, to)
    note = (note or "").strip()
    if "note" in step.needs and not note:
        raise ValidationError(_("Say what should change: the client reads it."))
    if "reason" in step.needs:
        if reason not in RefusalReason.values:
            raise ValidationError(_("Choose why the wish is not accepted."))
        if reason == RefusalReason.OTHER and not note:
            raise ValidationError(_("Explain the reason: the client reads it."))
    target_date = target_date or (wish.target_date if to == WishStatus.PLANNED else target_date)
    if "target_date" in step.needs and not target_date:
        raise ValidationError(_("Give the target date it is planned for."))
    if estimate_hours is not None and estimate_hours < 0:
        raise ValidationError(_("The estimate cannot be negative."))
    now = timezone.now()
    wish.status = to
    wish.status_changed_at = wish.updated_at = now
    wish.position = position if position is not None else _last_position(to)
    extra = {"status": to}
    if to in (WishStatus.CHANGES_REQUESTED, WishStatus.NOT_ACCEPTED):
        wish.decision_note = note
        wish.refusal_reason = reason if to == WishStatus.NOT_ACCEPTED else ""
        if reason:
            extra["reason"] = reason
        # Written for the client: the notification quotes it (wishes/plugin.py).
        extra["note"] = note
    elif note:
        wish.decision_note = note
    if estimate_hours is not None:
        wish.estimate_hours = estimate_hours
    if counts_against_bank is not None:
        wish.counts_against_bank = counts_against_bank
    if target_date:
        wish.target_date = target_date
        extra["target_date"] = target_date.isoformat()
    wish.save()
    _event(wish, by, step.verb, **extra)
    return wish


@transaction.atomic
def wish_reorder(*, wish, by, position: float) -> Wish:
    """Staff order the cards of a column (no event: nothing changed for the client)."""
    if not by.is_staff:
        raise ValidationError(_("Only support staff can order the board."))
    Wish.objects.filter(pk=wish.pk).update(position=position)
    wish.position = position
    return wish


def _recount_votes(wish):
    Wish.objects.filter(pk=wish.pk).update(
        votes_count=WishVote.objects.filter(wish=wish).count(), updated_at=timezone.now()
    )


@transaction.atomic
def wish_vote(*, wish, user, on: bool = True) -> bool:
    """Add or take back `user`'s "me too"; True if it changed anything.

    Concurrent clicks insert one row at most (the unique constraint, ON CONFLICT
    DO NOTHING), and the count is recounted from the rows under the wish's lock.
    """
    if user.is_staff:
        raise ValidationError(_("Votes are the clients' own."))
    _check_reach(wish, user)
    # Votes on one wish queue on its row, so each recount sees the ones before it.
    wish = _lock(wish)
    if wish.status == WishStatus.DRAFT:
        raise ValidationError(_("A draft cannot be voted for."))
    if on:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO wishes_wishvote (wish_id, user_id, created_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (wish_id, user_id) DO NOTHING RETURNING id",
                [wish.pk, user.pk, timezone.now()],
            )
            changed = cursor.fetchone() is not None
    else:
        changed = WishVote.objects.filter(wish=wish, user=user).delete()[0] > 0
    if changed:
        _recount_votes(wish)
        if on:
            _event(wish, user, "wish_voted")
    wish.refresh_from_db(fields=["votes_count"])
    return changed


@transaction.atomic
def wish_comment(
    *, wish, author, body: str, internal: bool = False, attachments: Iterable[CleanUpload] = ()
) -> WishComment:
    body = (body or "").strip()
    attachments = list(attachments)
    if not body and not attachments:
        raise ValidationError(_("Write a message or attach a file."))
    if internal and not author.is_staff:
        raise ValidationError(_("Only support staff can add internal notes."))
    if not author.is_staff:
        _check_reach(wish, author)
    wish = _lock(wish)
    if wish.status == WishStatus.DRAFT:
        raise ValidationError(_("Submit the wish before commenting on it."))
    comment = WishComment.objects.create(wish=wish, author=author, body=body, is_internal=internal)
    _store_attachments(wish, attachments, author, comment=comment, internal=internal)
    if internal:
        _event(wish, author, "wish_note_added", internal=True, target=comment)
        return comment
    Wish.objects.filter(pk=wish.pk).update(
        comments_count=F("comments_count") + 1, updated_at=timezone.now()
    )
    _event(wish, author, "wish_commented", target=comment)
    return comment


@transaction.atomic
def wish_resubmit_copy(*, wish, by) -> Wish:
    """A refused wish, copied into a new draft linked to it, for the author to adjust."""
    wish = _lock(wish)
    _check_author(wish, by)
    if wish.status != WishStatus.NOT_ACCEPTED:
        raise ValidationError(_("Only a wish that was not accepted can be asked for again."))
    if Wish.objects.filter(resubmitted_from=wish).exists():
        raise ValidationError(_("This wish has already been asked for again."))
    return wish_create(
        organisation=wish.organisation,
        author=by,
        title=wish.title,
        description=wish.description,
        value=wish.value,
        desired_date=wish.desired_date,
        services=wish.services.all(),
        visible_to_organisation=wish.visible_to_organisation,
        resubmitted_from=wish,
    )


@transaction.atomic
def wish_to_ticket(*, wish, by, subject: str = "", description: str = "", priority=None):
    """Staff turn an accepted wish into work: a ticket for its author, linked both ways."""
    wish = _lock(wish)
    if not by.is_staff:
        raise ValidationError(_("Only support staff can open tickets from a wish."))
    if wish.status not in states.ACCEPTED:
        raise ValidationError(_("Approve the wish before turning it into work."))
    ticket = ticket_services.ticket_open(
        organisation=wish.organisation,
        requester=wish.author,
        subject=subject or f"{wish.number}: {wish.title}",
        description=description or wish.description,
        priority=priority,
        services=wish.services.all(),
        opened_by=by,
    )
    wish.tickets.add(ticket)
    _event(wish, by, "wish_ticket_opened", ticket=ticket.number)
    return ticket


def wish_mute(*, wish, user, muted: bool) -> None:
    # A personal preference, not a change to the wish: no event.
    if muted:
        WishMute.objects.get_or_create(wish=wish, user=user)
    else:
        WishMute.objects.filter(wish=wish, user=user).delete()
