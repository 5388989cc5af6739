"""The spec's two formats for one document: JSON, and XML built from it by the Spark convention
(a list is an element holding one element per item, named by the list: services/service,
attributes/attribute...; true/false as text; null as an empty element)."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from sahl.open311.rules import xml_safe

# The element of each item of a list, by the list's name.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "application/xml; charset=utf-8"}


def to_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_xml(root: str, document: Any) -> bytes:
    """UTF-8 XML with its declaration; text is escaped by the writer, and characters XML cannot
    carry at all are dropped."""
    body = ET.tostring(_element(root, document), encoding="unicode")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body.encode("utf-8")


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, list | tuple):
        element.extend(_element(ITEMS[tag], item) for item in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = xml_safe(str(value))
    return element


def render(document: Any, root: str, fmt: str) -> tuple[bytes, str]:
    """The body and its Content-Type."""
    body = to_xml(root, document) if fmt == "xml" else to_json(document)
    return body, CONTENT_TYPES["xml" if fmt == "xml" else "json"]
