"""Open311 GeoReport v2: the client applications that may file complaints with an API key, and the
tokens issued for what they filed. The complaints themselves are the complaints app's."""

from __future__ import annotations

from django.db import models


class Client(models.Model):
    """An application that files complaints through Open311 (a city app, a kiosk, a partner). Its
    key is shown once, when issued; only the key's SHA-256 is kept. An inactive client's key is
    refused."""

    name = models.SlugField(
        max_length=32, unique=True, help_text="also the complaint's source: open311:<name>"
    )
    key_sha256 = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Token(models.Model):
    """The GeoReport v2 token of one POSTed service request: `GET tokens/{token}` answers the
    service_request_id (the complaint's reference), which Sahl also returns at once."""

    token = models.CharField(max_length=40, unique=True)
    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="open311_token"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="tokens")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token of {self.complaint_id}"
