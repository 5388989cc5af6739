"""Failed logins lock the account and the source for longer each time the lock is earned again,
never for more than an hour; a successful login or a password reset clears the account's count.
Time is simulated (identity's clock), nothing sleeps."""

import re

import pytest
from django.test import Client

from sahl.identity import services
from sahl.identity.models import LoginThrottle, User
from sahl.registry.models import Person
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def attempt(civil_id: str, password: str, address: str, language: str = "en"):
    client = Client(REMOTE_ADDR=address)
    client.cookies["sahl_language"] = language
    response = client.post("/accounts/login/", {"login": civil_id, "password": password})
    return response, "_auth_user_id" in client.session


def fail(civil_id: str, times: int, address: str) -> None:
    for _ in range(times):
        _, ok = attempt(civil_id, "wrong-password", address)
        assert not ok


def fail_quickly(civil_id: str, times: int, address: str) -> None:
    """Failures recorded as the login form records them, without hashing a password each time."""
    for _ in range(times):
        services.record_failed_login(civil_id, address)


def test_the_lock_on_an_account_doubles_each_time_it_is_earned_and_stops_at_an_hour(demo, clock):
    for round_, minutes in enumerate([5, 10, 20, 40, 60, 60]):
        # five failures, from an address of this round (a lock applies from anywhere); the first
        # rounds through the login form, the later ones recorded directly (Argon2 is slow on purpose)
        (fail if round_ < 2 else fail_quickly)(demo["father"], 5, f"10.1.{round_}.1")
        response, ok = attempt(demo["father"], DEMO_PASSWORD, "10.9.9.9")
        assert not ok, f"round {round_}: the right password opened a locked account"
        assert "Too many failed login attempts" in response.content.decode()

        clock.advance(minutes=minutes, seconds=-1)
        assert not attempt(demo["father"], DEMO_PASSWORD, "10.9.9.9")[1], f"round {round_}: lock ended early"
        clock.advance(seconds=1)
        # The lock is over: the next failures count again (the right password would clear everything)
    _, ok = attempt(demo["father"], DEMO_PASSWORD, "10.9.9.9")
    assert ok


def test_the_refusal_says_when_to_try_again_in_both_languages(demo, clock):
    fail(demo["father"], 5, "10.2.0.1")
    response, _ = attempt(demo["father"], DEMO_PASSWORD, "10.2.0.1", "ar")
    text = response.content.decode()
    assert "محاولات دخول خاطئة كثيرة" in text and re.search(r"بعد الساعة \d\d:\d\d", text)
    response, _ = attempt(demo["father"], DEMO_PASSWORD, "10.2.0.1", "en")
    assert re.search(r"Try again after \d\d:\d\d", response.content.decode())


def test_attempts_refused_by_a_lock_do_not_lengthen_it(demo, clock):
    fail(demo["father"], 5, "10.3.0.1")
    fail(demo["father"], 50, "10.3.0.2")  # refused without being tried
    clock.advance(minutes=5)
    assert attempt(demo["father"], DEMO_PASSWORD, "10.3.0.3")[1]


def test_a_successful_login_clears_the_growth(demo, clock):
    fail(demo["father"], 5, "10.4.0.1")
    clock.advance(minutes=5)
    assert attempt(demo["father"], DEMO_PASSWORD, "10.4.0.1")[1]
    # the next lock is the first one again: 5 minutes, not 10
    fail(demo["father"], 5, "10.4.0.2")
    clock.advance(minutes=5)
    assert attempt(demo["father"], DEMO_PASSWORD, "10.4.0.3")[1]


def test_a_password_reset_clears_the_lock(demo, clock):
    from allauth.account.signals import password_reset

    fail(demo["father"], 5, "10.5.0.1")
    user = User.objects.get(civil_id=demo["father"])
    password_reset.send(sender=User, request=None, user=user)
    assert attempt(demo["father"], DEMO_PASSWORD, "10.5.0.2")[1]


def test_failures_are_forgotten_after_a_quiet_day(demo, clock):
    for round_ in range(3):  # locks of 5, 10 and 20 minutes
        fail_quickly(demo["father"], 5, f"10.6.{round_}.1")
        clock.advance(minutes=20)
    clock.advance(hours=24)
    fail_quickly(demo["father"], 4, "10.6.9.1")
    fail(demo["father"], 1, "10.6.9.1")
    clock.advance(minutes=5)  # the first lock's length again
    assert attempt(demo["father"], DEMO_PASSWORD, "10.6.9.2")[1]


def test_a_lock_on_one_account_leaves_other_accounts_alone(demo, clock):
    fail(demo["father"], 5, "10.7.0.1")
    assert attempt(demo["mother"], DEMO_PASSWORD, "10.7.0.1")[1]


def test_many_failures_from_one_source_lock_that_source_for_longer_each_time(demo, clock):
    accounts = list(
        Person.objects.exclude(civil_id__in=demo.values()).values_list("civil_id", flat=True)[:60]
    )
    for civil_id in accounts[:59]:  # one wrong password each: no account is locked
        services.record_failed_login(civil_id, "10.8.0.66")
    assert attempt(accounts[59], "wrong-password", "10.8.0.66")[0].status_code == 200  # the 60th
    # The source is locked for a minute, for every account; other sources are not
    assert not attempt(demo["father"], DEMO_PASSWORD, "10.8.0.66")[1]
    assert attempt(demo["mother"], DEMO_PASSWORD, "10.8.0.67")[1]
    clock.advance(minutes=1)
    assert attempt(demo["father"], DEMO_PASSWORD, "10.8.0.66")[1]

    # The locks that follow grow: 2, 4, 8... minutes, and an hour at most
    for minutes in [2, 4, 8, 16, 32, 60, 60]:
        for _ in range(60):
            services.record_failed_login("", "10.8.0.66")
        clock.advance(minutes=minutes, seconds=-1)
        assert services.login_locked_until(demo["father"], "10.8.0.66") is not None
        clock.advance(seconds=1)
        assert services.login_locked_until(demo["father"], "10.8.0.66") is None


def test_ipv6_addresses_of_one_network_share_a_lock(demo, clock):
    for host in range(60):
        services.record_failed_login("", f"2001:db8:1:2::{host:x}")
    assert services.login_locked_until("", "2001:db8:1:2:ffff::1") is not None
    assert services.login_locked_until("", "2001:db8:1:3::1") is None


def test_the_table_keeps_no_civil_id_or_address(demo, clock):
    fail(demo["father"], 2, "10.9.0.1")
    for row in LoginThrottle.objects.all():
        assert demo["father"] not in row.key and "10.9.0.1" not in row.key
