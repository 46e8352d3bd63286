"""manage.py reset_2fa USERNAME: forget a user's authenticator and recovery codes (lost phone).

Staff are then asked to set up a new authenticator at their next admin visit; a reseller's
two-step login is off until they turn it on again. Check who is asking before running it.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from panel.security.twofactor.devices import reset_two_factor


class Command(BaseCommand):
    help = "Delete a user's 2FA devices and recovery codes, so they set up a new device."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        count = reset_two_factor(user, reason="manage.py reset_2fa")
        self.stdout.write(f"{username}: {count} device(s) removed; they set up a new one next.")
