"""core.compiled: a hot read compiled once answers what the ORM answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sahl.applications.models import ApplicationPage
from sahl.core.compiled import CompiledRead
from sahl.registry.models import Person

pytestmark = pytest.mark.django_db

FIELDS = ("civil_id", "name_ar", "birth_date", "civil_id_expiry", "is_insured", "father__civil_id")


def by_civil_id() -> CompiledRead:
    return CompiledRead(
        Person, lambda civil_id: Person.objects.filter(civil_id=civil_id).values_list(*FIELDS), 1
    )


def test_it_answers_what_the_orm_answers_for_each_call_s_values(demo):
    read = by_civil_id()
    for who in ("father", "mother", "expat", "caseworker"):
        civil_id = demo[who]
        assert read.rows(civil_id) == list(Person.objects.filter(civil_id=civil_id).values_list(*FIELDS))
    assert read.rows("000000000000") == []


def test_json_columns_come_back_decoded_as_the_orm_gives_them(login, demo):
    from tests.integration.conftest import apply

    apply(login(demo["father"]), "pifss.social-security-certificate", {"certificate_type": "registration"})
    page = ApplicationPage.objects.order_by("-pk").first()
    assert page is not None
    read = CompiledRead(
        ApplicationPage,
        lambda reference: ApplicationPage.objects.filter(reference=reference).values_list(
            "viewers", "content"
        ),
        1,
    )
    assert read.rows(page.reference) == [(page.viewers, page.content)]


def test_it_is_one_query_and_compiles_once(demo):
    read = by_civil_id()
    read.rows(demo["father"])
    compiled = read._local.default
    with CaptureQueriesContext(connection) as queries:
        read.rows(demo["mother"])
    assert len(queries) == 1
    assert read._local.default is compiled


def test_a_marker_inside_a_pattern_or_a_wrong_count_is_refused(demo):
    inside = CompiledRead(
        Person, lambda name: Person.objects.filter(name_en__contains=name).values_list("pk"), 1
    )
    with pytest.raises(ValueError, match="whole parameters"):
        inside.rows("Ahmad")
    with pytest.raises(TypeError):
        by_civil_id().rows()


def test_a_marker_may_stand_in_several_places_and_take_dates(demo):
    """The same civil IDs and days in each part of a UNION: a call's values go in every place, and a
    date slot is given as the database's adapter gives dates (text on SQLite, a date on PostgreSQL)."""

    def born(first, last, *civil_ids):
        within = Person.objects.filter(birth_date__range=(first, last), civil_id__in=civil_ids)
        fathers = within.filter(sex="M").values_list("civil_id", "birth_date")
        mothers = within.filter(sex="F").values_list("civil_id", "birth_date")
        return fathers.union(mothers, all=True)

    read = CompiledRead(Person, born, 4, dates=(0, 1))
    people = [demo["father"], demo["mother"]]
    for first, last in [
        (dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
        (dt.date(1900, 1, 1), dt.date(1901, 1, 1)),
    ]:
        assert sorted(read.rows(first, last, *people)) == sorted(born(first, last, *people))
    assert len(read.rows(dt.date(1900, 1, 1), dt.date(2100, 1, 1), *people)) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_read_is_prepared_once_per_connection(demo):
    read = by_civil_id()
    read.rows(demo["father"])
    read.rows(demo["mother"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [read._local.default.sql.replace("%s", "$1")],
        )
        assert cursor.fetchone() == (1,)
    with CaptureQueriesContext(connection) as queries:
        read.rows(demo["father"])  # run prepared: still in the query log, with its SQL
    assert len(queries) == 1 and '"registry_person"' in queries[0]["sql"]


def test_instances_are_the_models_the_orm_loads(demo):
    from sahl.core.compiled import all_columns

    read = CompiledRead(
        Person, lambda civil_id: Person.objects.filter(civil_id=civil_id).values_list(*all_columns(Person)), 1
    )
    (found,) = read.instances(demo["father"])
    orm = Person.objects.get(civil_id=demo["father"])
    assert isinstance(found, Person) and found.pk == orm.pk
    assert [getattr(found, name) for name in all_columns(Person)] == [
        getattr(orm, name) for name in all_columns(Person)
    ]
    assert found._state.adding is False
