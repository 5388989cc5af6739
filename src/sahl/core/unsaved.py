"""Unsaved model objects made from values read elsewhere (a prepared page's JSON), without
`Model.__init__`: it walks every field of the model for each object, about 10 µs for an application
and 4 for a line of history, and a page read from its prepared row makes twenty of them.

`unsaved(Model, **values)` gives what `Model(**values)` gives for the values a prepared read has: a
field left out holds its default (a callable one is called, as Django calls it), a related object
given by its field's name is kept as Django keeps it (its key in the `_id` attribute), and the object
is unsaved (`_state.adding`). Only for models without `post_init` receivers: none of Sahl's has one
(tests/unit/test_unsaved.py checks the objects read alike)."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from django.db import models
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)


def unsaved(model: type[M], **values: Any) -> M:
    fixed, called, related, pk = _fields(model)
    made = model.__new__(model)
    state = made._state = ModelState()
    attributes = made.__dict__
    attributes.update(fixed)
    for attname, default in called:
        attributes[attname] = default()
    for name, value in values.items():
        attname = related.get(name)
        if attname is None:
            attributes[pk if name == "pk" else name] = value
        else:  # a related object: kept as the field's cache, its key in the `_id` attribute
            state.fields_cache[name] = value
            attributes[attname] = value.pk if value is not None else None
    return made


@cache
def _fields(model: type[models.Model]) -> tuple[dict[str, Any], tuple[Any, ...], dict[str, str], str]:
    """Each concrete field's default (fixed, or a callable to call), the related fields' names, and
    the attribute `pk` stands for."""
    fixed: dict[str, Any] = {}
    called: list[tuple[str, Any]] = []
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            called.append((field.attname, field.default))
        else:
            fixed[field.attname] = field.get_default()
    related = {f.name: f.attname for f in model._meta.concrete_fields if f.is_relation}
    return fixed, tuple(called), related, model._meta.pk.attname
