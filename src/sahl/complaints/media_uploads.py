"""Complaint uploads stopped while they stream, before an oversized file is held or stored.

`MediaUploadLimit` is a Django upload handler: it counts the bytes of each file part as they
arrive and stops the upload as soon as a photo passes `PHOTO_MAX_BYTES`, a voice note passes
`VOICE_MAX_BYTES`, or all the files of one request together pass `max_request_bytes` (5
photos and a voice note). A 200 MB upload is therefore refused after about 10 MB: nothing
past that is kept in memory or written to a temporary file. Django then drains the rest of
the body is drained in 64 KB reads without keeping any of it (up to `DRAIN_LIMIT`), so
that the browser receives the bilingual answer instead of a reset connection. A front
proxy's body limit is what spares the bandwidth.

Handlers must be in place before anything reads `request.POST` or `request.FILES`, and
Django's CSRF check reads `request.POST`, so:

- an HTML view (a form post) is decorated with `media_upload_view`, which installs the
  handler and only then runs the CSRF check (Django's documented csrf_exempt + csrf_protect
  pattern)::

      @media_upload_view
      @login_required
      def file_complaint(request): ...

- a django-ninja operation (the Open311 POST) uses `@decorate_view(limit_media_uploads)`,
  which runs before ninja authenticates and parses the form.

Either way the view asks `upload_refusal(request)` first and, when it returns a
`MediaRefused`, shows its message and changes nothing: the files parsed before the refusal
are incomplete as a set. The existing flag `request.sahl_upload_refused` is set too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from sahl.complaints.media import MB, PHOTO_MAX_BYTES, VOICE_MAX_BYTES, MediaRefused

# Field name -> what it carries. A file in any other field is held to the photo limit.
FIELDS: Mapping[str, str] = {"photo": "photo", "photos": "photo", "media": "photo", "voice": "voice"}
MAX_PHOTOS = 5
MAX_REQUEST_BYTES = MAX_PHOTOS * PHOTO_MAX_BYTES + VOICE_MAX_BYTES + MB
DRAIN_CHUNK = 64 * 1024
DRAIN_LIMIT = 256 * MB

_LIMITS = {
    "photo": (PHOTO_MAX_BYTES, "complaint.photo_too_large"),
    "voice": (VOICE_MAX_BYTES, "complaint.voice_too_large"),
}


class MediaUploadLimit(FileUploadHandler):
    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        fields: Mapping[str, str] = FIELDS,
        max_request_bytes: int = MAX_REQUEST_BYTES,
    ) -> None:
        super().__init__(request)
        self.fields = fields
        self.max_request_bytes = max_request_bytes
        self.limit, self.code = _LIMITS["photo"]
        self.received = 0  # bytes of all file parts so far

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.limit, self.code = _LIMITS[self.fields.get(field_name, "photo")]
        if self.content_length is not None and self.content_length > self.limit:
            self._refuse()  # the part says so itself: not one byte of it is read

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if start + len(raw_data) > self.limit or self.received > self.max_request_bytes:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.sahl_media_refused = MediaRefused(self.code)  # type: ignore[attr-defined]
            self.request.sahl_upload_refused = True  # type: ignore[attr-defined]
            _drain(self.request)
        # Not Django's own draining (`connection_reset=False`): it reads the rest line by line,
        # and a body without a newline byte would come back as one line held in memory.
        raise StopUpload(connection_reset=True)


def _drain(request: HttpRequest) -> None:
    """Reads and drops what is left of the body, 64 KB at a time and at most `DRAIN_LIMIT`
    bytes, so that the browser is still reading when the answer comes; past that the
    connection is closed on the sender."""
    drained = 0
    while drained < DRAIN_LIMIT:
        chunk = request.read(DRAIN_CHUNK)
        if not chunk:
            return
        drained += len(chunk)


def install(request: HttpRequest, **limits: Any) -> None:
    """Puts `MediaUploadLimit` first among the request's upload handlers."""
    if hasattr(request, "_files"):
        raise RuntimeError("the upload was already read: install the media limit before request.POST")
    request.upload_handlers.insert(0, MediaUploadLimit(request, **limits))


def upload_refusal(request: HttpRequest) -> MediaRefused | None:
    """Why the upload was stopped while it streamed, if it was (the form is parsed here if
    it was not yet)."""
    request.FILES  # noqa: B018 (reading it parses the form through the handlers)
    refused = getattr(request, "sahl_media_refused", None)
    return refused if isinstance(refused, MediaRefused) else None


def limit_media_uploads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Installs the limit, then runs `view` (for django-ninja's `decorate_view`)."""

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        install(request)
        return view(request, *args, **kwargs)

    return limited


def media_upload_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """For an HTML view: the limit is installed before the CSRF check reads the form."""
    return csrf_exempt(limit_media_uploads(csrf_protect(view)))
