"""The applications' prepared pages (ADR 0043) written by PostgreSQL itself: one INSERT ... SELECT
builds each row's JSON where the rows are, instead of loading the application, its parties,
history, requests, attachments and documents into Python.

- `rebuild`: one statement per range of applications (about 600 rows a second in Python; the
  country has 20 million).
- `keep`: the rows of a change, in its transaction: one statement instead of six reads and an
  upsert (a renewal's filing, a certificate's approval: ADR 0066).

What the SQL writes is what `pages.content` writes, key for key and character for character
(moments as Python's `isoformat` writes them); the property test of the read models compares the
two on PostgreSQL. The one part left to Python is the handover of an approved result (Kuwaiti
working days, the definition's delivery methods): it is filled in after each range, for the few
applications that have one."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection

from sahl.applications import id_ranges
from sahl.applications.handover import approved_handover
from sahl.applications.models import (
    Application,
    ApplicationPage,
    Attachment,
    Decision,
    HistoryEvent,
    InfoRequest,
    IssuedDocument,
    Party,
)
from sahl.catalogue.models import Agency, Category, Service, ServiceVersion
from sahl.catalogue.services import definition_of, definition_parsed
from sahl.core import one_statement
from sahl.core.bilingual import BilingualText
from sahl.core.compiled import prepared_cursor
from sahl.identity.models import User

RANGE = 50_000  # applications per statement: one short transaction each, at any size of table


def _iso(column: str) -> str:
    """`column` (a timestamptz) as Python's `isoformat()` of an aware UTC moment writes it: the
    fraction of a second only when there is one, and always "+00:00"."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN mod(extract(microseconds FROM {column})::bigint, 1000000) = 0 THEN ''"
        f" ELSE to_char({utc}, '.US') END || '+00:00' END"
    )


def _day(column: str) -> str:
    return f"to_char({column}, 'YYYY-MM-DD')"


def _both(alias: str, field: str) -> str:
    return f"jsonb_build_object('ar', {alias}.{field}_ar, 'en', {alias}.{field}_en)"


def _statement(where: str) -> str:
    """The upsert of the pages of the applications `where` (alias `a`, %s placeholders)."""
    t = {
        model.__name__: model._meta.db_table
        for model in (
            Application,
            ApplicationPage,
            Attachment,
            Decision,
            HistoryEvent,
            InfoRequest,
            IssuedDocument,
            Party,
            Agency,
            Category,
            Service,
            ServiceVersion,
            User,
        )
    }
    return f"""
INSERT INTO {t["ApplicationPage"]} (reference, application_id, viewers, category, content)
SELECT a.reference, a.id,
  jsonb_build_array(a.subject_civil_id) || COALESCE((
    SELECT jsonb_agg(v.civil_id ORDER BY v.first) FROM (
      SELECT p.civil_id, min(p.id) AS first FROM {t["Party"]} p
      WHERE p.application_id = a.id AND p.civil_id <> a.subject_civil_id GROUP BY p.civil_id
    ) v), '[]'::jsonb),
  c.code,
  jsonb_build_object(
    'reference', a.reference,
    'state', a.state,
    'subject', a.subject_civil_id,
    'applicant_id', a.applicant_id,
    'form_data', a.form_data,
    'fee_fils', a.fee_fils,
    'created_at', {_iso("a.created_at")},
    'submitted_at', {_iso("a.submitted_at")},
    'decided_at', {_iso("a.decided_at")},
    'due_on', {_day("a.due_on")},
    'paused_since', {_day("a.paused_since")},
    'service', jsonb_build_object('id', s.id, 'code', s.code, 'name', {_both("s", "name")}),
    'agency', jsonb_build_object('id', g.id, 'name', {_both("g", "name")}),
    'version', jsonb_build_object('id', v.id, 'number', v.number),
    'names', COALESCE(a.register_facts -> 'names', '{{}}'::jsonb),
    'labels', COALESCE(a.register_facts -> 'labels', '{{}}'::jsonb),
    'parties', COALESCE((
      SELECT jsonb_agg(jsonb_build_object('role', p.role, 'civil_id', p.civil_id, 'consent', p.consent)
                       ORDER BY p.id)
      FROM {t["Party"]} p WHERE p.application_id = a.id), '[]'::jsonb),
    'history', COALESCE((
      SELECT jsonb_agg(jsonb_build_object(
               'at', {_iso("e.at")}, 'kind', e.kind, 'note', e.note, 'on_behalf_of', e.on_behalf_of,
               'actor', CASE WHEN u.id IS NULL THEN NULL ELSE {_both("u", "name")} END)
             ORDER BY e.at, e.id)
      FROM {t["HistoryEvent"]} e LEFT JOIN {t["User"]} u ON u.id = e.actor_id
      WHERE e.application_id = a.id), '[]'::jsonb),
    'open_request', (
      SELECT jsonb_build_object('message', r.message, 'document_code', r.document_code,
                                'requested_at', {_iso("r.requested_at")})
      FROM {t["InfoRequest"]} r WHERE r.application_id = a.id AND r.answered_at IS NULL
      ORDER BY r.requested_at DESC, r.id DESC LIMIT 1),
    'attachments', COALESCE((
      SELECT jsonb_agg(jsonb_build_object('id', f.id, 'document_code', f.document_code,
                                          'extension', f.extension) ORDER BY f.id)
      FROM {t["Attachment"]} f WHERE f.application_id = a.id), '[]'::jsonb),
    'documents', COALESCE((
      SELECT jsonb_agg(jsonb_build_object(
               'id', d.id, 'document', d.document, 'title', {_both("d", "title")},
               'holder', d.holder_civil_id, 'verification_code', d.verification_code,
               'issued_on', {_day("d.issued_on")}, 'valid_until', {_day("d.valid_until")}, 'pdf', d.pdf)
             ORDER BY d.id)
      FROM {t["IssuedDocument"]} d WHERE d.application_id = a.id), '[]'::jsonb),
    'decision', CASE WHEN o.id IS NULL THEN NULL ELSE jsonb_build_object(
      'outcome', o.outcome, 'reason', o.reason, 'decided_at', {_iso("o.decided_at")}) END,
    'handover', NULL
  )
FROM {t["Application"]} a
JOIN {t["Service"]} s ON s.id = a.service_id
JOIN {t["Category"]} c ON c.id = s.category_id
JOIN {t["Agency"]} g ON g.id = a.agency_id
JOIN {t["ServiceVersion"]} v ON v.id = a.version_id
LEFT JOIN {t["Decision"]} o ON o.application_id = a.id
WHERE {where}
ON CONFLICT (application_id) DO UPDATE SET reference = excluded.reference, viewers = excluded.viewers,
  category = excluded.category, content = excluded.content
"""  # noqa: S608 (the tables' names are the models'; every value is a parameter)


def _handed_over(where: str) -> str:
    """The approved applications `where` whose page may show a handover (their service's
    definition has a delivery section: checked in Python)."""
    return f"""
SELECT a.id, a.version_id, a.decided_at, a.form_data, a.register_facts -> 'address'
FROM {Application._meta.db_table} a JOIN {Decision._meta.db_table} o ON o.application_id = a.id
WHERE {where} AND a.state IN ('approved', 'completed') AND o.outcome = 'approved'
  AND a.version_id = ANY(%s)
"""  # noqa: S608


_FILL = f"""
UPDATE {ApplicationPage._meta.db_table} p SET content = jsonb_set(p.content, '{{handover}}', h.handover)
FROM unnest(%s::bigint[], %s::jsonb[]) AS h(application_id, handover)
WHERE p.application_id = h.application_id
"""  # noqa: S608


IN_RANGE = "a.id > %s AND a.id <= %s"
KEPT = "a.id = ANY(%s)"
OF_SERVICE = "a.service_id = %s AND a.id > %s AND a.id <= %s"


def rebuild() -> int:
    """Every row anew, by ranges of the applications' ids, each range in one transaction."""
    versions = Versions()
    return id_ranges.rebuild(ApplicationPage, RANGE, lambda low, high: write(IN_RANGE, [low, high], versions))


def keep(application_ids: list[int]) -> None:
    """Write these applications' pages as they are now, in the caller's transaction: one
    statement (with the events announced, when a step's listener keeps them: ADR 0070), and for
    an approval two more (its handover, from the definition's delivery)."""
    one_statement.run_or_join(_kept(), [application_ids], then=_hand_over)


def _hand_over(kept: list[tuple[Any, ...]]) -> None:
    approved = [pk for pk, state, outcome in kept if _approved(state, outcome)]
    if not approved:
        return
    with prepared_cursor(connection) as cursor:
        cursor.execute(_APPROVED, [approved])
        found = cursor.fetchall()
        definitions = {row[1]: definition_parsed(row[5], row[6], json.loads(row[7])) for row in found}
        _fill(cursor, [row[:5] for row in found], definitions)


def _approved(state: str, outcome: str | None) -> bool:
    """A page with a handover to show (as `handover.handover_with` decides)."""
    return state in ("approved", "completed") and outcome == "approved"


@functools.cache
def _kept() -> str:
    # What the row now says of its state and decision: whether a handover may have to be filled.
    return (
        _statement(KEPT)
        + "RETURNING application_id, content ->> 'state', content -> 'decision' ->> 'outcome'"
    )


_APPROVED = f"""
SELECT a.id, a.version_id, a.decided_at, a.form_data, a.register_facts -> 'address',
       v.digest, v.source, v.definition
FROM {Application._meta.db_table} a JOIN {ServiceVersion._meta.db_table} v ON v.id = a.version_id
WHERE a.id = ANY(%s)
"""  # noqa: S608


def write(where: str, params: list[Any], versions: Versions) -> int:
    """Write the pages of the applications `where` (upserted), in the caller's transaction."""
    with connection.cursor() as cursor:
        # Compiling the statement for each range costs more than running it (0.7 s, 10,000 rows).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_statement(where), params)
        written = int(cursor.rowcount)
        if versions.delivering:
            cursor.execute(_handed_over(where), [*params, versions.delivering])
            _fill(cursor, cursor.fetchall(), versions.definitions)
    return written


class Versions:
    """The published versions' definitions, and those with a delivery section (a handover)."""

    def __init__(self) -> None:
        self.definitions = {v.pk: definition_of(v) for v in ServiceVersion.objects.all()}
        self.delivering = [pk for pk, d in self.definitions.items() if d.delivery]


def _fill(cursor: Any, approved: list[tuple[Any, ...]], versions: dict[int, Any]) -> None:
    ids, handovers = [], []
    for application_id, version_id, decided_at, answers, address in approved:
        # Django's cursor gives JSON as its text (its fields decode it themselves).
        answers, address = json.loads(answers), json.loads(address) if address else None
        found = approved_handover(
            decided_at, answers or {}, versions[version_id], BilingualText(**address) if address else None
        )
        if found is not None:
            ids.append(application_id)
            handovers.append(json.dumps(found.as_json(), ensure_ascii=False))
    if ids:
        cursor.execute(_FILL, [ids, handovers])
