"""The demo's one reply that came by e-mail: the latest client reply of the demo's
tickets is marked as such (Comment.data via=email), as mailin would have written
it. Nothing reads a mailbox in the demo. Runs once: skipped when one is marked."""

from tickets.models import Comment


def run(demo) -> None:
    if Comment.objects.filter(data__via="email").exists():
        return
    reply = (
        Comment.objects.filter(
            is_internal=False,
            author__is_staff=False,
            verb="",
            ticket__organisation__slug__in=list(demo.organisations),
        )
        .exclude(body="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if reply is not None:
        Comment.objects.filter(pk=reply.pk).update(data={**reply.data, "via": "email"})
