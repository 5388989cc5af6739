"""Complaints from filing to rating: routing by topic, place and words; the deadline; joining a
nearby open complaint; the agency's handling; reopening once; escalation; who sees what."""

import datetime as dt

import pytest
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.complaints import filing, moving, reading, topics
from sahl.complaints.filing import Report
from sahl.complaints.models import Complaint, Event, Follower, RoutingRule, Topic
from sahl.core.errors import BadInput, NotFound
from sahl.identity.models import User
from sahl.identity.services import appoint_staff
from tests.integration.conftest import run_tasks

pytestmark = pytest.mark.django_db
SALMIYA = (29.3375, 48.0758)  # Hawalli governorate


def person(demo, key: str) -> User:
    return User.objects.get(civil_id=demo[key])


def report(
    topic: str, text: str = "A big problem right here in the street", where=SALMIYA, governorate="KW-HA"
):
    return Report(topic, text, where[0], where[1], governorate, "")


def staff_of(agency: str, demo, key: str = "caseworker") -> User:
    user = person(demo, key)
    appoint_staff(user, Agency.objects.get(code=agency), "caseworker")
    return user


def test_the_topics_cover_every_agency_and_loading_twice_changes_nothing():
    before = Topic.objects.count()
    assert topics.load().topics == before
    agencies = set(Agency.objects.values_list("code", flat=True))
    assert agencies <= set(Topic.objects.exclude(agency=None).values_list("agency__code", flat=True))
    assert RoutingRule.objects.filter(position=9999).exists()  # a catch-all for "I do not know"


def test_a_complaint_is_routed_to_the_topics_agency_with_a_working_day_deadline(demo):
    complaint = filing.file(person(demo, "father"), report("pothole"))
    assert complaint.agency.code == "mpw" and complaint.unit_en == "Road maintenance sector"
    assert complaint.reference.startswith("C-") and complaint.state == "received"
    assert complaint.due_on > timezone.localdate()
    assert list(complaint.events.values_list("kind", flat=True)) == ["filed", "routed"]


def test_i_do_not_know_which_agency_is_decided_by_the_words(demo):
    complaint = filing.file(person(demo, "father"), report("unknown", "انقطاع الكهرباء في الشارع منذ الصباح"))
    assert complaint.agency.code == "mew" and complaint.topic.code == "power-cut"
    other = filing.file(person(demo, "father"), report("unknown", "Something nobody can place at all"))
    assert other.agency.code == "km" and other.topic.code == "service-quality-km"


def test_a_rule_on_the_governorate_sends_jahras_street_lights_to_public_works(demo):
    jahra = filing.file(
        person(demo, "father"), report("street-light", where=(29.3375, 47.6581), governorate="KW-JA")
    )
    hawalli = filing.file(person(demo, "father"), report("street-light"))
    assert (jahra.agency.code, hawalli.agency.code) == ("mpw", "mew")


@pytest.mark.parametrize(
    ("topic", "text", "code"),
    [
        ("no-such-topic", "A long enough description", "complaint.topic_unknown"),
        ("roads", "A long enough description", "complaint.topic_unknown"),  # a group, not a topic
        ("pothole", "short", "complaint.description"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_filed(demo, topic, text, code):
    before = Complaint.objects.count()
    with pytest.raises(BadInput) as refused:
        filing.file(person(demo, "father"), report(topic, text))
    assert refused.value.code == code and Complaint.objects.count() == before


def test_an_open_complaint_nearby_is_offered_and_joining_makes_a_follower_not_a_duplicate(demo):
    first = filing.file(person(demo, "father"), report("rubbish"))
    near = filing.nearby_open("rubbish", SALMIYA[0] + 0.001, SALMIYA[1])  # about 110 m north
    far = filing.nearby_open("rubbish", SALMIYA[0] + 0.01, SALMIYA[1])  # about 1.1 km
    assert [n.reference for n in near] == [first.reference] and far == []
    assert filing.nearby_open("pothole", *SALMIYA) == []  # another topic is another problem
    expat = person(demo, "expat")
    filing.join(expat, first.reference)
    filing.join(expat, first.reference)  # twice: still one follower
    assert Follower.objects.filter(complaint=first).count() == 1
    assert reading.complaint_for(expat, first.reference) == first
    with pytest.raises(NotFound):
        reading.complaint_for(person(demo, "mother"), first.reference)


def test_the_agency_handles_it_the_reporter_reopens_once_and_rates(demo):
    reporter = person(demo, "father")
    complaint = filing.file(reporter, report("traffic-signal", "The traffic light at the crossing is dark"))
    staff = staff_of("moi", demo)
    assert complaint in reading.queue(staff)

    moving.acknowledge(staff, complaint.reference)
    moving.ask(staff, complaint.reference, "Which direction of the crossing?")
    assert Complaint.objects.get(pk=complaint.pk).paused_since is not None
    moving.answer(reporter, complaint.reference, "Towards the Gulf Road")
    moving.resolve(staff, complaint.reference, "The controller was replaced.")
    moving.reopen(reporter, complaint.reference, "It is dark again tonight")
    with pytest.raises(BadInput):
        moving.resolve(staff, complaint.reference, "")
    moving.resolve(staff, complaint.reference, "The cable was repaired too.")
    with pytest.raises(BadInput) as once:
        moving.reopen(reporter, complaint.reference, "again")
    assert once.value.code == "complaint.reopened_once"
    moving.rate(reporter, complaint.reference, 4, "Quick")

    done = Complaint.objects.get(pk=complaint.pk)
    assert done.state == "closed" and done.rating == 4 and done.reopened
    kinds = list(done.events.values_list("kind", flat=True))
    assert kinds == [
        "filed",
        "routed",
        "acknowledged",
        "question",
        "answer",
        "resolved",
        "reopened",
        "resolved",
        "rated",
    ]


def test_a_topic_that_needs_a_photo_of_the_fix_cannot_be_resolved_without_one(demo):
    complaint = filing.file(person(demo, "father"), report("pothole"))
    staff = staff_of("mpw", demo)
    with pytest.raises(BadInput) as refused:
        moving.resolve(staff, complaint.reference, "Filled with asphalt")
    assert refused.value.code == "complaint.resolution_photo_required"


def test_forwarding_restarts_the_clock_at_the_receiving_agency_and_another_agency_sees_nothing(demo):
    complaint = filing.file(
        person(demo, "father"), report("pollution", "Black smoke from a workshop every night")
    )
    epa = staff_of("epa", demo)
    moi = staff_of("moi", demo, "paci-staff")
    with pytest.raises(NotFound):
        moving.acknowledge(moi, complaint.reference)  # not its complaint: it does not exist for it
    with pytest.raises(BadInput):
        moving.forward(epa, complaint.reference, "km", "")  # a reason is needed
    moving.forward(epa, complaint.reference, "km", "The workshop has no licence: the municipality acts")
    moved = Complaint.objects.get(pk=complaint.pk)
    assert moved.agency.code == "km" and moved.state == "received"
    forwarded = moved.events.get(kind="forwarded")
    assert forwarded.agency.code == "km" and "no licence" in forwarded.note
    assert complaint not in reading.queue(epa)


def test_overdue_complaints_are_escalated_once_to_the_agencys_supervisors(demo):
    from sahl.notifications.models import Message

    supervisor = person(demo, "paci-staff")
    appoint_staff(supervisor, Agency.objects.get(code="km"), "supervisor")
    complaint = filing.file(person(demo, "father"), report("rubbish"))
    Complaint.objects.filter(pk=complaint.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert moving.escalate_overdue() == 1
    assert moving.escalate_overdue() == 0
    assert Event.objects.filter(complaint=complaint, kind="escalated").count() == 1
    run_tasks()  # the worker writes the messages about each step
    told = Message.objects.filter(recipient=supervisor, event="complaint_escalated")
    assert told.count() == 1 and complaint.reference in told.get().subject


def test_history_is_append_only(demo):
    complaint = filing.file(person(demo, "father"), report("rubbish"))
    event = complaint.events.first()
    event.note = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
