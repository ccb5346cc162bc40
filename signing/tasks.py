from celery import shared_task

from core.plugins import BeatJob

from . import services


@shared_task
def seal(document_id: int):
    """Append the signatures and the certificate to a fully signed document and seal it."""
    document = services.document_seal(document_id=document_id)
    return document.number if document else None


@shared_task
def sweep():
    """Reminders (each once), expiries, and documents left signed but unsealed."""
    return {
        "reminded": services.send_reminders(),
        "expired": services.expire_due(),
        "resealed": services.reseal_stuck(),
    }


BEAT = [BeatJob("signing-sweep", "signing.tasks.sweep", 10 * 60.0, expires=9 * 60)]
