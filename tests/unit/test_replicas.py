"""Which database a read goes to: the replica only for a safe request of someone who has not just
written, never inside a transaction, never without a replica."""

import pytest

from sahl.core import replicas

router = replicas.ReplicaRouter()


class Connection:
    def __init__(self, atomic: bool) -> None:
        self.in_atomic_block = atomic


@pytest.fixture
def world(monkeypatch):
    def make(replica: bool = True, atomic: bool = False) -> None:
        monkeypatch.setattr(replicas, "has_replica", lambda: replica)
        monkeypatch.setattr(replicas, "connections", {"default": Connection(atomic)})

    return make


def test_a_read_that_may_lag_goes_to_the_replica(world):
    world()
    with replicas.reads_may_lag():
        assert router.db_for_read(None) == "replica"
    assert router.db_for_read(None) == "default"  # outside the request's scope


def test_reads_inside_a_transaction_and_all_writes_stay_on_the_primary(world):
    world(atomic=True)
    with replicas.reads_may_lag():
        assert router.db_for_read(None) == "default"
        assert router.db_for_write(None) == "default"


def test_without_a_replica_everything_reads_the_primary(world):
    world(replica=False)
    with replicas.reads_may_lag():
        assert router.db_for_read(None) == "default"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "applications") and not router.allow_migrate(
        "replica", "applications"
    )
