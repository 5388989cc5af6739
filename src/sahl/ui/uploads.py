"""Stop an upload as soon as it passes the largest size any document may have (10 MB), so an
oversized file is never written to disk in full. Per-document limits are checked afterwards.

Django then reads the rest of the body and drops it, so that the browser, still sending, receives
the answer. That rest is bounded by the route's body limit (ui.body_limits refused anything larger
before it was read) and read 64 KB at a time, never held whole."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request: object = None) -> None:
        super().__init__(request)  # type: ignore[arg-type]
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = start + len(raw_data)
        if self.received > settings.SAHL_MAX_UPLOAD_BYTES:
            # The view sees the flag and answers "file too large" in the person's language.
            self.request.sahl_upload_refused = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
