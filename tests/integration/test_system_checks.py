"""Django's system checks find nothing, warnings included: the task workers the tests start skip
them (`--skip-checks`, a second and more at each start), so they are run here, once."""

from django.core.management import call_command


def test_the_system_checks_find_nothing() -> None:
    call_command("check", fail_level="WARNING", verbosity=0)
