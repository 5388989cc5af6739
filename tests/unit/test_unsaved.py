"""core.unsaved: objects made without Model.__init__ read as those made with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.signals import post_init

from sahl.applications.models import Application, Attachment, HistoryEvent, IssuedDocument, Party
from sahl.catalogue.models import Agency, Service, ServiceVersion
from sahl.core.unsaved import unsaved
from sahl.identity.models import User

AT = dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.UTC)


def values() -> list[tuple[type, dict]]:
    service = Service(pk=4, code="moi.passport-renewal", name_ar="تجديد", name_en="Renewal")
    return [
        (
            Application,
            {
                "pk": 12,
                "reference": "2026-0000012",
                "service": service,
                "version": ServiceVersion(pk=7, number=2),
                "agency": Agency(pk=3, name_ar="الداخلية", name_en="Interior"),
                "applicant_id": 5,
                "subject_civil_id": "288031400029",
                "state": "in_review",
                "form_data": {"a": 1},
                "fee_fils": 10_000,
                "created_at": AT,
                "due_on": dt.date(2026, 12, 10),
            },
        ),
        (HistoryEvent, {"at": AT, "kind": "submitted", "note": "", "actor": User(name_ar="أ", name_en="A")}),
        (HistoryEvent, {"at": AT, "kind": "approved", "note": "ok", "actor": None}),
        (Party, {"role": "buyer", "civil_id": "291070200027", "consent": "pending"}),
        (IssuedDocument, {"pk": 9, "document": "passport", "issued_on": dt.date(2026, 12, 7), "pdf": ""}),
        (Attachment, {"pk": 2, "document_code": "photo", "extension": "jpg"}),
    ]


@pytest.mark.parametrize(("model", "given"), values(), ids=lambda v: getattr(v, "__name__", ""))
def test_an_unsaved_object_reads_as_one_made_by_django(model, given):
    assert not post_init.has_listeners(model)  # what Model.__init__ would send
    ours, django = unsaved(model, **given), model(**given)
    for field in model._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(django, field.attname), field.name
        if field.is_relation and field.name in given:
            assert getattr(ours, field.name) is given[field.name]
    assert ours.pk == django.pk and ours._state.adding and ours._state.db is None
    assert str(ours) == str(django)
