from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LoginGuard(models.Model):
    """Failed sign-ins in a row for one username, and the lockout they caused. Keyed by the name
    typed, whether or not such a user exists, so a lockout says nothing about who has an account."""

    username = models.CharField(max_length=150, unique=True, help_text=_("Lower-cased as typed."))
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(username=""), name="login_guard_username_not_blank")
        ]

    def __str__(self) -> str:
        return self.username
