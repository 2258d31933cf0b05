from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in hardening: second factor, session lifetime, security log, database outage page."""

    name = "accounts"
    verbose_name = "Accounts and security"

    def ready(self):
        from . import signals  # noqa: F401  (connects the security-log receivers)
