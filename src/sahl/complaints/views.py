"""The reporter's pages (file, follow, answer, reopen, rate), the agency's pages (queue, handle)
and the public statistics. Views parse the request and call one service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sahl.complaints import figures, filing, forms, geo, labels, maps, moving, reading, steps, topics
from sahl.complaints.media import MB, PHOTO_MAX_BYTES
from sahl.complaints.media_uploads import MAX_REQUEST_BYTES, media_upload_view, upload_refusal
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, SahlError, TooMany
from sahl.core.languages import in_language
from sahl.core.messages import message
from sahl.identity import throttle
from sahl.identity.current import address_of, person_of
from sahl.ui.body_limits import body_limit
from sahl.ui.errors import for_error

if TYPE_CHECKING:  # views read models through services only
    from sahl.complaints.models import Complaint
    from sahl.identity.models import User

# The filing page asks for the place and records the voice note in the page itself.
FILING_PERMISSIONS = "camera=(), microphone=(self), geolocation=(self)"
# Media are downloads, never rendered by the browser as a page of ours.
MEDIA_CSP = "default-src 'none'; sandbox"


def _text(error: SahlError) -> str:
    return message(error.code, get_language() or "ar", **error.params)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    found = reading.mine(person_of(request))
    return render(request, "complaints/mine.html", {"complaints": found} | labels.LABELS)


@body_limit(MAX_REQUEST_BYTES)  # a larger body is refused before it is read
@media_upload_view  # stops a photo over its limit while it streams, before the CSRF check reads the form
@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    values: dict[str, str] = {}
    errors: list[str] = []
    nearby: list[filing.NearbyReport] = []
    status, retry_after = 200, 0
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("topic", "description", "latitude", "longitude")}
        person = person_of(request)
        try:  # each try counts, per person and per source, before any photo is read (ADR 0025)
            throttle.take_filing(
                "complaint", str(person.pk), address_of(request), refusal="complaint.too_many"
            )
            refused = upload_refusal(request)
            if refused is not None:
                raise refused
            form = forms.submitted(request.POST, request.FILES)  # every cheap check; nothing decoded
            report = form.report
            if not request.POST.get("file_anyway"):
                nearby = filing.nearby_open(report.topic_code, report.latitude, report.longitude)
            if not nearby:
                complaint = filing.file(person, forms.report_of(form))
                messages.success(request, _("Your report was filed and sent to the agency responsible."))
                return redirect("complaints:detail", reference=complaint.reference)
        except TooMany as error:
            errors, status, retry_after = [_text(error)], 429, error.retry_after
        except BadInput as error:
            errors, status = [_text(error)], 400
    response = render(
        request,
        "complaints/new.html",
        {
            "tree": topics.topic_tree(),
            "values": values,
            "errors": errors,
            "nearby": nearby,
            "map": maps.whole(values.get("latitude", ""), values.get("longitude", "")),
        }
        | labels.LABELS,
        status=status,
    )
    response["Permissions-Policy"] = FILING_PERMISSIONS
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        view = reading.complaint_page(person_of(request), reference)
    except SahlError as error:
        return for_error(request, error)
    # someone who joined reads the report as staff do: it waits for the reporter's answer, not theirs
    words = labels.LABELS if view.is_reporter else labels.STAFF_LABELS
    place = _place_map(view.complaint, exact=view.is_reporter)  # a follower sees it to about 100 m
    return render(request, "complaints/detail.html", {"view": view, "map": place} | words)


def _place_map(complaint: Complaint, *, exact: bool = True) -> maps.MapView:
    return maps.close_to(
        complaint.latitude, complaint.longitude, complaint.governorate, complaint.area, exact=exact
    )


def _act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    person = person_of(request)
    try:
        if action == "join":
            filing.join(person, reference)
            messages.success(request, _("You joined this report: you will hear about every step."))
        elif action == "answer":
            moving.answer(person, reference, request.POST.get("answer", ""))
        elif action == "reopen":
            moving.reopen(person, reference, request.POST.get("reason", ""))
        elif action == "rate":
            moving.rate(
                person, reference, forms.stars(request.POST.get("stars", "")), request.POST.get("comment", "")
            )
    except SahlError as error:
        return for_error(request, error)
    return redirect("complaints:detail", reference=reference)


@login_required
@require_POST
def join(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "join")


@login_required
@require_POST
def answer(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "answer")


@login_required
@require_POST
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "reopen")


@login_required
@require_POST
def rate(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "rate")


@login_required
@require_GET
def media(request: HttpRequest, reference: str, media_id: int) -> HttpResponseBase:
    """A photo or voice note, for the reporter or the agency that has the report: a download with a
    restrictive policy, whatever its bytes."""
    try:
        stored = reading.media_for(person_of(request), reference, media_id)
    except SahlError as error:
        return for_error(request, error)
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=f"{reference}-{stored.kind}-{stored.pk}.{stored.extension}",
        content_type=stored.content_type,
    )
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The agency -----------------------------------------------------------------------------------


def _governorate_names() -> dict[str, BilingualText]:
    return {g.code: g.name for g in geo.governorates()}


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    try:
        found = reading.queue(person_of(request))
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "complaints/queue.html",
        {"complaints": found, "today": steps.today(), "governorates": _governorate_names()}
        | labels.STAFF_LABELS,
    )


@body_limit(PHOTO_MAX_BYTES + MB)  # the photo of the fix, and the fields
@media_upload_view
@login_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, reference: str) -> HttpResponse:
    staff = person_of(request)
    errors: list[str] = []
    if request.method == "POST":
        try:
            refused = upload_refusal(request)
            if refused is not None:
                raise refused
            forwarded_to = _handle(staff, reference, request)
            if forwarded_to is not None:
                # the report is now the other agency's, and so is its page: back to the queue
                messages.success(
                    request,
                    _("Report %(reference)s was forwarded to %(agency)s.")
                    % {"reference": reference, "agency": in_language(forwarded_to, get_language())},
                )
                return redirect("complaints:queue")
            return redirect("complaints:case", reference=reference)
        except BadInput as error:
            errors = [_text(error)]
        except SahlError as error:
            return for_error(request, error)
    try:
        view = reading.case_page(staff, reference)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "complaints/case.html",
        {
            "view": view,
            "errors": errors,
            "map": _place_map(view.complaint),
            "agencies": topics.agencies(),
            "governorates": _governorate_names(),
        }
        | labels.STAFF_LABELS,
        status=400 if errors else 200,
    )


def _handle(staff: User, reference: str, request: HttpRequest) -> BilingualText | None:
    """Does what the caseworker asked; answers the agency's name when the report was forwarded."""
    action = request.POST.get("action", "")
    if action == "acknowledge":
        moving.acknowledge(staff, reference)
    elif action == "ask":
        moving.ask(staff, reference, request.POST.get("question", ""))
    elif action == "forward":
        moved = moving.forward(
            staff, reference, request.POST.get("agency", ""), request.POST.get("reason", "")
        )
        return BilingualText(ar=moved.agency.name_ar, en=moved.agency.name_en)
    elif action == "resolve":
        upload = request.FILES.get("photo")
        note = request.POST.get("note", "")
        moving.check_resolution(staff, reference, note, with_photo=upload is not None)  # before decoding
        photo = forms.photo(upload) if upload is not None else None
        moving.resolve(staff, reference, note, photo)
    else:
        raise BadInput("request.bad")
    return None


# --- Public ---------------------------------------------------------------------------------------


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/statistics.html",
        {"stats": figures.statistics()} | labels.LABELS,
    )
