from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BaselinesConfig(AppConfig):
    name = "baselines"
    verbose_name = _("Baseline requirements")
