"""Argon2id with its smallest cost, for test runs only: the same algorithm and hash format, but a
login costs a millisecond instead of 0.3 s, which hundreds of logins in the tests would add up."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB
    parallelism = 1
