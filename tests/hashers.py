"""Argon2 with tiny costs, for tests only: the same algorithm and hash format, a thousandth of the work."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
