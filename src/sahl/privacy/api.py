"""My data in JSON: the whole export and the consents I gave, through the same services as the
page. The export's schema (`sahl-personal-data/1`) is `privacy.format`, shown in the OpenAPI
document."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.security import django_auth

from sahl.identity.current import person_of
from sahl.privacy import format as fmt
from sahl.privacy import services

router = Router(tags=["privacy"], auth=django_auth)


@router.get(
    "/me/data",
    response=fmt.Export,
    summary="Everything Sahl holds about me (sahl-personal-data/1)",
    description="My account (never the password or second-factor secrets), my records in the base "
    "registers, my applications (in full where I am the applicant or the subject; my own party rows "
    "and documents on other people's), my inbox and its deliveries, official notices, the audit log's "
    "entries about me, my consents, and the credentials Hawiyati issued to my wallets with the offers "
    "made for them (never an offer's codes). Each call is recorded in my account's security events. "
    "The same document as the download on the 'My data' page; the answer is never cached.",
)
def get_my_data(request: HttpRequest, response: HttpResponse) -> fmt.Export:
    response["Cache-Control"] = "no-store"
    return services.download(person_of(request), via="api", address=str(request.META.get("REMOTE_ADDR", "")))


@router.get(
    "/me/consents",
    response=fmt.Consents,
    summary="The consents I gave or declined, and my notification channels",
    description="Every consent I gave or declined as a party on an application (service, reference, "
    "role, answer, when), newest first, and whether I chose to hear by e-mail and by SMS.",
)
def get_my_consents(request: HttpRequest, response: HttpResponse) -> fmt.Consents:
    response["Cache-Control"] = "no-store"
    return services.consents(person_of(request))
