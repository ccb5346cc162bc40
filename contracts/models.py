from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Service.Status.ACTIVE)


class Service(models.Model):
    """A service the organisation subscribes to (an internet link, a managed firewall...)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    identifier = models.CharField(
        _("identifier"), max_length=200, blank=True, help_text=_("Circuit id, contract line...")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return f"{self.name} ({self.identifier})" if self.identifier else self.name
