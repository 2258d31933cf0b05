"""Password hashing: Argon2id sized for a small server."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ServerArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at 64 MiB and 2 passes on one lane: about 0.11 s of one core per login.

    OWASP's minimum is 19 MiB and 2 passes on one lane. Django's default (100 MiB, 2 passes, 8 lanes) costs
    0.2 s of CPU spread over every core, so on the two-core server this application is sized for, each
    login stalled every other request for a tenth of a second. Lanes do not add to an attacker's cost (memory
    and passes do); one lane leaves the other core to the other worker. The algorithm name stays "argon2":
    older hashes still verify and are rehashed with these parameters at the next login."""

    memory_cost = 64 * 1024  # KiB
    time_cost = 2
    parallelism = 1
