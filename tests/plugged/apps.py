from django.apps import AppConfig


class PluggedConfig(AppConfig):
    name = "tests.plugged"
    label = "plugged"
