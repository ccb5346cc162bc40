"""The client's documents: the list, a document's page with its pages as images,
signing and declining, the downloads, and the verification page.

Everything reads through Document.objects.visible_to(user, organisation=) for
the organisation the reader acts for; a document out of reach is a 404, and so
is a version or a page that is not the document's. Writes go through
signing.services, whose refusals come back as messages in the reader's language.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import SESSION_KEY
from core.uploads import file_response
from tickets.models import Ticket

from . import consent, services
from .forms import DeclineForm, SignForm, VerifyForm
from .lookup import describe
from .models import Document, DocumentVersion, Signer
from .pdf.checks import signature_png_from_data_url
from .pdf.render import page_image, page_text
from .pdf.verify import verify
from .states import TABS, DocumentStatus, SignerStatus


def _client(request):
    if request.user.is_staff or request.access.active is None:
        # Staff prepare documents in the admin; the portal is the client's view.
        raise Http404
    return request.access


def _get_document(request, number) -> Document:
    _client(request)
    document = (
        Document.objects.visible_to(request.user)
        .select_related("organisation", "ticket", "created_by")
        .filter(number=number)
        .first()
    )
    if document is None:
        raise Http404
    if document.organisation_id != request.access.active.pk:
        # Following a link to another of the user's organisations switches to it.
        request.session[SESSION_KEY] = document.organisation_id
    return document


def _my_request(document, user) -> Signer | None:
    return (
        document.signers.filter(version__void_at__isnull=True, user=user)
        .select_related("version")
        .first()
    )


# The list ------------------------------------------------------------------------------

# A finished tab (signed, declined, expired, cancelled) keeps the organisation's whole
# history: shown a page at a time, as the ticket list. What is still waiting is what is
# outstanding now, shown at once up to PENDING_LIMIT.
PAGE_SIZE = 25
PENDING_LIMIT = 200


@login_required
@require_GET
def document_list(request):
    access = _client(request)
    tab = request.GET.get("tab", "pending")
    if tab not in TABS:
        tab = "pending"
    documents = (
        Document.objects.visible_to(request.user, organisation=access.active)
        .filter(status__in=TABS[tab])
        .select_related("created_by")
        .order_by("due_at" if tab == "pending" else "-finished_at", "-pk")
    )
    counts = Document.objects.visible_to(request.user, organisation=access.active).aggregate(
        **{key: Count("pk", filter=Q(status__in=statuses)) for key, statuses in TABS.items()}
    )
    page = None
    if tab == "pending":
        rows = list(documents[:PENDING_LIMIT])
    else:
        paginator = Paginator(documents, PAGE_SIZE)
        paginator.count = counts[tab]  # the same rows, counted above: no second COUNT
        page = paginator.get_page(request.GET.get("page"))
        rows = list(page.object_list)
    mine = {
        signer.document_id: signer
        for signer in Signer.objects.filter(
            document__in=[d.pk for d in rows], user=request.user, version__void_at__isnull=True
        )
    }
    for document in rows:
        document.my_request = mine.get(document.pk)
    if tab == "pending":
        for_me = [d for d in rows if d.my_request and d.my_request.status == SignerStatus.PENDING]
        others = [d for d in rows if d not in for_me]
    else:
        for_me, others = [], rows
    context = {
        "tab": tab,
        "for_me": for_me,
        "others": others,
        "counts": counts,
        "tabs": _tabs(),
        "page": page,
    }
    return render(request, "signing/list.html", context)


def _tabs():
    return [
        ("pending", _("To sign")),
        ("signed", _("Signed")),
        ("declined", _("Declined")),
        ("expired", _("Expired")),
        ("cancelled", _("Cancelled")),
    ]


def waiting_panel(request, organisation):
    """The dashboard's card: what waits for this reader's signature, or nothing."""
    waiting = list(
        Document.objects.visible_to(request.user, organisation=organisation)
        .filter(
            status=DocumentStatus.SENT,
            signers__user=request.user,
            signers__status=SignerStatus.PENDING,
            signers__version__void_at__isnull=True,
        )
        .order_by("due_at")[:5]
    )
    if not waiting:
        return None
    return {"documents": waiting}


# A document ----------------------------------------------------------------------------


@login_required
@require_GET
def document_detail(request, number):
    document = _get_document(request, number)
    mine = _my_request(document, request.user)
    version = document.current_version
    if mine and mine.status == SignerStatus.PENDING and mine.viewed_at is None:
        services.document_viewed(
            document=document, user=request.user, client=services.Client.of(request)
        )
    can_sign = (
        mine is not None
        and mine.status == SignerStatus.PENDING
        and document.status == DocumentStatus.SENT
    )
    # In the signer's own language: what they read is what they agree to.
    text, _digest = consent.consent(get_language())
    context = {
        "document": document,
        "version": version,
        "pages": range(1, version.pages + 1) if version else [],
        "signers": document.signers.filter(version=version).select_related("user"),
        "mine": mine,
        "can_sign": can_sign,
        "consent_text": text,
        "sign_form": SignForm(
            initial={"typed_name": request.user.display_name, "version": version.number}
        ),
        "decline_form": DeclineForm(initial={"version": version.number}),
        "earlier": _sent_versions(document).filter(void_at__isnull=False).order_by("-number"),
        "ticket_open": document.ticket_id is not None
        and Ticket.objects.visible_to(request.user).filter(pk=document.ticket_id).exists(),
    }
    if request.htmx and request.GET.get("part") == "status":
        return render(request, "signing/detail.html#status", context)
    return render(request, "signing/detail.html", context)


def _sent_versions(document):
    # A version replaced while the document was a draft never reached the client.
    return document.versions.filter(signers__asked_at__isnull=False).distinct()


def _version(document, number) -> DocumentVersion:
    version = _sent_versions(document).filter(number=number).first()
    if version is None:
        raise Http404
    return version


@login_required
@require_GET
def page(request, number, version, page_number):
    document = _get_document(request, number)
    version = _version(document, version)
    if not 1 <= page_number <= version.pages:
        raise Http404
    try:
        width = min(max(int(request.GET.get("w", 900)), 320), 1600)
    except ValueError:
        width = 900
    width -= width % 100  # a handful of sizes, so that the cache serves them
    key = f"signing:page:{version.sha256}:{page_number}:{width}"
    image = cache.get(key)
    if image is None:
        with version.file.open("rb") as handle:
            image = page_image(handle.read(), page_number - 1, width)
        cache.set(key, image, 24 * 60 * 60)
    return HttpResponse(image, content_type="image/png")


@login_required
@require_GET
def page_text_view(request, number, version, page_number):
    document = _get_document(request, number)
    version = _version(document, version)
    if not 1 <= page_number <= version.pages:
        raise Http404
    key = f"signing:text:{version.sha256}:{page_number}"
    text = cache.get(key)
    if text is None:
        with version.file.open("rb") as handle:
            text = page_text(handle.read(), page_number - 1)
        cache.set(key, text, 24 * 60 * 60)
    return render(
        request,
        "signing/page_text.html",
        {"document": document, "version": version, "page_number": page_number, "text": text},
    )


@login_required
@require_GET
def original(request, number, version):
    document = _get_document(request, number)
    version = _version(document, version)
    version.content_type = "application/pdf"
    return file_response(version)


@login_required
@require_GET
def signed(request, number):
    document = _get_document(request, number)
    if document.status != DocumentStatus.COMPLETED or not document.sealed_file:
        raise Http404

    class Stored:
        file = document.sealed_file
        name = f"{document.number}-signed.pdf"
        content_type = "application/pdf"

    return file_response(Stored)


def _drawn(data) -> bytes | None:
    if data["mode"] != "draw" or not data["drawn"]:
        return None
    return signature_png_from_data_url(data["drawn"])


@login_required
@require_POST
def sign(request, number):
    document = _get_document(request, number)
    form = SignForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        data = form.cleaned_data
        services.document_sign(
            document=document,
            user=request.user,
            password=data["password"],
            code=data["code"],
            version=data["version"],
            consented=data["consent"],
            typed_name=data["typed_name"],
            signature_png=_drawn(data),
            typed_signature=data["typed_signature"] if data["mode"] == "type" else "",
            time_zone=request.user.timezone,
            language=get_language(),
            client=services.Client.of(request),
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect(document.get_absolute_url() + "#sign")
    messages.success(request, _("Signed. Thank you: you will be told when everyone has signed."))
    return redirect(document)


@login_required
@require_POST
def send_code(request, number):
    """A one-time code by e-mail, instead of the password (htmx: the line under the button)."""
    document = _get_document(request, number)
    try:
        address = services.request_code(document=document, user=request.user)
    except ValidationError as refused:
        text, ok = " ".join(refused.messages), False
    else:
        text = _("We sent a code to %(address)s. It is valid for 10 minutes.") % {
            "address": address
        }
        ok = True
    if request.htmx:
        return render(request, "signing/_code_sent.html", {"text": text, "ok": ok})
    (messages.success if ok else messages.error)(request, text)
    return redirect(document.get_absolute_url() + "#sign")


@login_required
@require_POST
def decline(request, number):
    document = _get_document(request, number)
    form = DeclineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.document_decline(
            document=document,
            user=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            client=services.Client.of(request),
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect(document.get_absolute_url() + "#decline")
    messages.success(request, _("You declined to sign. We have told the sender why."))
    return redirect(document)


# Verifying -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verify_upload(request):
    _client(request)
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = found = None
    if request.method == "POST" and form.is_valid():
        result = verify(form.cleaned_data["file"].read())
        found = describe(result.sha256, request.user)
    return render(request, "signing/verify.html", {"form": form, "result": result, "found": found})


@login_required
@require_GET
def verify_document(request, number):
    document = _get_document(request, number)
    if document.status != DocumentStatus.COMPLETED or not document.sealed_file:
        raise Http404
    with document.sealed_file.open("rb") as handle:
        result = verify(handle.read())
    context = {
        "form": VerifyForm(),
        "result": result,
        "found": describe(result.sha256, request.user),
        "of": document,
    }
    return render(request, "signing/verify.html", context)
