"""Open311 GeoReport v2 over HTTP: parse the request, call one service, answer the document in the
format the address asks for (.json or .xml), errors in the spec's format. These views are for
client applications: authenticated by api_key (POST), never by cookies; they read no session and
need no CSRF token."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from sahl.complaints import media_uploads
from sahl.complaints.media import MediaRefused
from sahl.core.errors import BadInput, SahlError, TooMany, http_status
from sahl.core.languages import in_language
from sahl.core.messages import message
from sahl.identity import throttle
from sahl.identity.current import address_of
from sahl.identity.rules import source_of
from sahl.open311 import descriptions, directory, filing, formats, reading, rules
from sahl.open311.rules import Open311Error
from sahl.ui.body_limits import body_limit

View = Callable[..., HttpResponse]
READ = ("GET", "HEAD")
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
POSTED_FIELDS = (
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "email",
    "first_name",
    "last_name",
    "phone",
    "device_id",
    "account_id",
    "media_url",
)
QUERY_FIELDS = (
    "jurisdiction_id",
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",  # page and page_size: the spec's most implemented extension
    "page_size",
)


def answer(document: Any, root: str, fmt: str, language: str, status: int = 200) -> HttpResponse:
    body, content_type = formats.render(document, root, fmt)
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Content-Language"] = language  # the client's choice, not the portal's cookie
    response["Access-Control-Allow-Origin"] = "*"  # public data, and no cookie is ever used
    patch_vary_headers(response, ["Accept-Language"])
    return response


def error(status: int, description: str, fmt: str, language: str) -> HttpResponse:
    return answer([{"code": status, "description": description}], "errors", fmt, language, status)


def open311(methods: tuple[str, ...]) -> Callable[[View], View]:
    """The request's language and format, the methods allowed, and every refusal in the spec's
    error format (with the HTTP status as its code)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fmt = kwargs.pop("fmt", None) or "json"
            language = rules.language(request.headers.get("Accept-Language", ""))
            if request.method not in methods:
                shown = ", ".join(m for m in methods if m != "HEAD")
                response = error(
                    400, in_language(descriptions.METHOD, language).format(methods=shown), fmt, language
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, language=language, **kwargs)
            except Open311Error as refused:
                return error(refused.status, refused.description(language), fmt, language)
            except SahlError as refused:  # the complaints' own checks: place, description, photo
                response = error(
                    http_status(refused), message(refused.code, language, **refused.params), fmt, language
                )
                if isinstance(refused, TooMany):
                    response["Retry-After"] = str(refused.retry_after)
                return response

        return csrf_exempt(run)

    return decorate


@open311(READ)
def discovery(request: HttpRequest, *, fmt: str, language: str) -> HttpResponse:
    return answer(directory.discovery(language), "discovery", fmt, language)


@open311(READ)
def service_list(request: HttpRequest, *, fmt: str, language: str) -> HttpResponse:
    jurisdiction = request.GET.get("jurisdiction_id", "")
    return answer(directory.service_list(jurisdiction, language), "services", fmt, language)


@open311(READ)
def service_definition(request: HttpRequest, service_code: str, *, fmt: str, language: str) -> HttpResponse:
    jurisdiction = request.GET.get("jurisdiction_id", "")
    definition = directory.service_definition(service_code, jurisdiction, language)
    return answer(definition, "service_definition", fmt, language)


def _too_large(request: HttpRequest, kwargs: Mapping[str, Any], limit: int) -> HttpResponse:
    """A body over MAX_BODY, refused before it is read (ui.body_limits), in the spec's format."""
    language = rules.language(request.headers.get("Accept-Language", ""))
    text = in_language(descriptions.TOO_LARGE, language).format(limit=limit // rules.MB)
    return error(413, text, kwargs.get("fmt") or "json", language)


@body_limit(rules.MAX_BODY, refuse=_too_large)
@open311((*READ, "POST"))
def requests(request: HttpRequest, *, fmt: str, language: str) -> HttpResponse:
    if request.method == "POST":
        # Every try from one source counts before its body is read or its key checked (ADR 0025).
        source = source_of(address_of(request))
        throttle.take("filing.source", source, refusal="filing.too_many_from_source")
        created = filing.create_request(_posted(request), language)
        response = answer(created.document(), "service_requests", fmt, language)
        response["Open311-Token"] = created.token  # GET tokens/{token} answers it too
        return response
    query = reading.Query(**{name: request.GET.get(name, "") for name in QUERY_FIELDS})
    return answer(reading.find_requests(query, language), "service_requests", fmt, language)


def _posted(request: HttpRequest) -> filing.Posted:
    """The posted form, refused before it is read when it is not a form (a body over MAX_BODY never
    reaches the view: see `_too_large`)."""
    if request.content_type not in FORMS:
        raise Open311Error(400, descriptions.CONTENT_TYPE)
    media_uploads.install(request)  # a photo part is stopped as soon as it passes its size
    try:
        form, files = request.POST, request.FILES
    except (
        RequestDataTooBig,
        TooManyFieldsSent,
        TooManyFilesSent,
        MultiPartParserError,
        UnreadablePostError,
    ):
        raise Open311Error(400, descriptions.BODY_INVALID) from None
    if getattr(request, "sahl_upload_refused", False):  # stopped while it streamed
        raise media_uploads.upload_refusal(request) or MediaRefused("complaint.photo_too_large")
    if any(name != "media" for name in files):
        raise Open311Error(400, descriptions.FILE_PART_UNKNOWN)
    media = [upload for upload in files.getlist("media") if upload.size]
    if len(media) > rules.MAX_MEDIA:
        raise BadInput("complaint.too_many_photos", limit=rules.MAX_MEDIA)
    values = {name: str(form.get(name, "")) for name in POSTED_FIELDS}
    return filing.Posted(
        api_key=str(form.get("api_key") or request.GET.get("api_key", "")),
        attributes=rules.attribute_answers({key: form.getlist(key) for key in form}),
        media=media,
        **values,
    )


@open311(READ)
def one_request(request: HttpRequest, service_request_id: str, *, fmt: str, language: str) -> HttpResponse:
    jurisdiction = request.GET.get("jurisdiction_id", "")
    return answer(
        reading.one_request(service_request_id, jurisdiction, language), "service_requests", fmt, language
    )


@open311(READ)
def token(request: HttpRequest, token: str, *, fmt: str, language: str) -> HttpResponse:
    jurisdiction = request.GET.get("jurisdiction_id", "")
    return answer(reading.token(token, jurisdiction), "service_requests", fmt, language)


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    language = rules.language(request.headers.get("Accept-Language", ""))
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error(404, in_language(descriptions.NOT_FOUND, language), fmt, language)


def refused(request: HttpRequest, status: int, code: str) -> HttpResponse:
    """A refusal made before any view runs or after the database refused a value (hostile text, a
    number past a column: ui.hostile_input), in the spec's format like every other error here."""
    language = rules.language(request.headers.get("Accept-Language", ""))
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error(status, message(code, language), fmt, language)
