"""People who log in (tied to a civil ID) and the agency staff among them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import pgettext_lazy

from sahl.core.bulk_updates import AnnouncedUpdates


class UserManager(BaseUserManager["User"]):
    def create_user(self, civil_id: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(civil_id=civil_id, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, civil_id: str, password: str | None = None, **fields: Any) -> User:
        return self.create_user(civil_id, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        ARABIC = "ar", "العربية"
        ENGLISH = "en", "English"

    civil_id = models.CharField(max_length=12, unique=True)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=2, choices=Language.choices, default=Language.ARABIC)
    # Notifications: where and how the person hears about their applications and official notices.
    phone = models.CharField(max_length=12, blank=True, help_text="Kuwaiti mobile as +965XXXXXXXX")
    notify_by_email = models.BooleanField(default=False)
    notify_by_sms = models.BooleanField(default=False)
    unread_messages = models.PositiveIntegerField(
        default=0, help_text="unread inbox messages, kept by notifications (the header shows it)"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="may open the operators' admin site")
    date_joined = models.DateTimeField(default=timezone.now)
    sessions_ended_at = models.DateTimeField(
        null=True, blank=True, help_text="when the person last logged out everywhere: older sessions end"
    )

    USERNAME_FIELD = "civil_id"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager.from_queryset(AnnouncedUpdates)()

    def __str__(self) -> str:
        return f"user {self.pk}"

    def display_name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_ar

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's hash of the password, which every session keeps and checks on each request (a new
        password ends the other sessions), with the moment the person last logged out everywhere: that
        ends them too, with no list of sessions to look for. Before that moment is set, the value is
        Django's own (the salt is Django's), so sessions made before this field live on."""
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password
        if self.sessions_ended_at is not None:
            value = f"{value}|{self.sessions_ended_at.isoformat()}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class StaffMembership(models.Model):
    """A user working for one agency, in one role."""

    class Role(models.TextChoices):
        CASEWORKER = "caseworker", pgettext_lazy("staff role", "Caseworker")
        SUPERVISOR = "supervisor", pgettext_lazy("staff role", "Supervisor")
        AGENCY_ADMIN = "agency_admin", pgettext_lazy("staff role", "Agency administrator")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=16, choices=Role.choices)
    since = models.DateTimeField(default=timezone.now)

    objects = AnnouncedUpdates.as_manager()  # a bulk change forgets the kept login too

    def __str__(self) -> str:
        return f"{self.role} at agency {self.agency_id}"


class SmsFactor(models.Model):
    """A second factor: a one-time code by SMS to a mobile number the person confirmed by typing
    back a code sent to it. One per person; changing the number means turning it off and on."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="sms_factor")
    phone = models.CharField(max_length=12, help_text="confirmed Kuwaiti mobile, +965XXXXXXXX")
    enabled_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sms factor of user {self.user_id}"


class SmsCode(models.Model):
    """One code sent by SMS. Only a keyed hash of the code is kept; a code is accepted once, for
    5 minutes, and refused after 5 wrong tries."""

    class Purpose(models.TextChoices):
        LOGIN = "login", "log in (second factor)"
        ENROL = "enrol", "confirm a mobile number for the second factor"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    phone = models.CharField(max_length=12, blank=True, help_text="enrolment: the number to confirm")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, help_text="HMAC-SHA256 of the code, keyed with the secret key")
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0, help_text="wrong tries so far")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "sent_at"])]

    def __str__(self) -> str:
        return f"sms code {self.pk}"


class RateCount(models.Model):
    """One counter of the throttle (identity.throttle) when no shared cache is configured: how many
    hits a limit's key has had in its current window, and when that window ends. `key` is the
    `limits` library's key for a limit, whose identifiers are a keyed hash: the table holds no
    civil ID and no address. Rows past `expires_at` count as absent and are swept now and then."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True, help_text="end of the window, in seconds since the epoch")

    def __str__(self) -> str:
        return "rate count"


class IdentityProof(models.Model):
    """One proof of who a person is, without an account or a password (identity.joining): the serial
    number printed on their civil ID card, then a code by SMS to the mobile number the population
    register holds for them. Once proven, its browser may open the account (joining) or set a new
    password (recovery), once, within 15 minutes. Only a keyed hash of the code is kept (as SmsCode),
    and no phone number: the register is asked again for each code."""

    class Purpose(models.TextChoices):
        JOIN = "join", "join Sahl"
        RECOVER = "recover", "recover the account"

    civil_id = models.CharField(max_length=12)
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, help_text="HMAC-SHA256 of the code, keyed with the secret key")
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0, help_text="wrong tries so far")
    proven_at = models.DateTimeField(null=True, blank=True, help_text="when the right code was typed")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="when the password was chosen")

    class Meta:
        indexes = [models.Index(fields=["civil_id", "sent_at"])]

    def __str__(self) -> str:
        return f"identity proof {self.pk}"


class RegisteredApp(models.Model):
    """An app an operator registered (`manage.py register_app`), named in both languages: the consent
    page and the list of authorised apps each speak one language (the library's `name` is one text)."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="registered"
    )
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"registered app {self.application_id}"

    def display_name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_ar
