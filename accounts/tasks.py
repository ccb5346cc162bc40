from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from core import i18n

from .models import Invitation, User
from .tokens import invitation_token


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def send_invitation(self, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.pending()
        .select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return
    link = settings.SITE_URL + reverse(
        "accounts:invitation_accept", args=[invitation_token(invitation)]
    )
    context = {"invitation": invitation, "link": link}
    organisation = invitation.organisation
    with i18n.override(organisation.default_language, organisation.timezone):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def send_second_factor_reset(self, user_id: int) -> None:
    """Tell a person that staff reset their two-step verification (it may not have been them)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {"user": user, "link": settings.SITE_URL + reverse("accounts:login")}
    with i18n.override(user.language, user.timezone):
        subject = render_to_string("accounts/email/second_factor_reset_subject.txt", context)
        text = render_to_string("accounts/email/second_factor_reset.txt", context)
    try:
        EmailMultiAlternatives(subject.strip(), text, to=[user.email]).send()
    except OSError as exc:
        raise self.retry(exc=exc) from exc
