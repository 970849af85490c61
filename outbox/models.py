import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(dispatched_at__isnull=True)


class Message(models.Model):
    """Background work a request asked for, saved in the request's own transaction.

    The row is the record that the work is owed: the dispatcher (`outbox.services`) hands it to
    Celery once the broker answers, and marks it dispatched. A broker that is away loses nothing.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    # The Celery task id the work is sent with, known before it is sent (report runs show it).
    task_id = models.CharField(max_length=64, unique=True, default="", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("handed to the worker"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.task} {self.args}"

    def save(self, *args, **kwargs):
        if not self.task_id:
            self.task_id = str(uuid.uuid4())
        super().save(*args, **kwargs)
