"""The portal as an installable app (ADR 0055): what its service worker keeps for offline reading.

The shell (styles, the page script, icons, the offline page in both languages) is saved when the
worker installs; the person's own pages (home, applications, inbox) are saved each time they load
from the network, and shown, marked "as of" that time, when the network fails. Nothing else is ever
saved: no POST, no back office, no other page."""

from __future__ import annotations

import hashlib
from functools import cache

from django.templatetags.static import static
from django.urls import reverse

SHELL_FILES = (
    "ui/sahl.css",
    "ui/app.js",
    "ui/favicon.svg",
    "portal/icon-192.png",
    "portal/icon-512.png",
)
# The person's own pages, by route: readable offline as last seen.
PERSONAL_PAGES = ("portal:home", "applications:mine", "notifications:inbox")


@cache
def shell() -> list[str]:
    """The shell's addresses (collected names carry their content's hash)."""
    return [static(name) for name in SHELL_FILES]


@cache
def personal_pages() -> list[str]:
    return [reverse(name) for name in PERSONAL_PAGES]


@cache
def version() -> str:
    """Names the shell's cache: a new release's files make a new cache, and the old one is deleted."""
    return hashlib.sha256(" ".join(shell()).encode()).hexdigest()[:12]
