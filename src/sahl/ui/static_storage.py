"""Static files: hashed, compressed and cached for a year once collected; as they are before."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFiles(CompressedManifestStaticFilesStorage):
    """After `collectstatic` (make run does it), names carry a content hash, so WhiteNoise serves
    them gzip-compressed with `Cache-Control: immutable` for a year. Before it (the tests, a quick
    start) there is no manifest and the plain names are served from the apps' folders."""

    manifest_strict = False
    # `import ... from "./jose.js"` in a hashed module must name the hashed file too: otherwise the
    # module's import is the unhashed name, cached a minute, and gone from an offline page.
    support_js_module_import_aggregation = True

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return str(super().stored_name(name))
