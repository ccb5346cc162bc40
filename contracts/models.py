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


class ContractQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day), start_date__lte=day
        )


class Contract(models.Model):
    """What the organisation bought; for now the SLA policy its tickets follow."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="contracts"
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    sla_policy = models.ForeignKey(
        "sla.SLAPolicy",
        verbose_name=_("SLA policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self):
        return self.name
