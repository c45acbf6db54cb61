"""``python manage.py create_demo_users``: the demo accounts ``make run`` logs you in with.

Development only: refused where KZEDITOR_DEMO_USERS_ALLOWED is off (always in production)."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.roles import Role

DEMO_USERS = {
    "admin": None,
    "editor": Role.EDITOR,
    "translator": Role.TRANSLATOR,
    "reviewer": Role.REVIEWER,
}


class Command(BaseCommand):
    help = "Create (or reset) the demo users admin, editor, translator and reviewer."

    def handle(self, *args, **options) -> None:
        if not settings.KZEDITOR_DEMO_USERS_ALLOWED:
            raise CommandError("Demo users are disabled in these settings (production).")
        password = os.environ.get("DEMO_PASSWORD", "kzeditor")
        User = get_user_model()
        with transaction.atomic():
            for username, role in DEMO_USERS.items():
                user, created = User.objects.get_or_create(username=username)
                user.is_superuser = user.is_staff = role is None
                user.set_password(password)
                user.save()
                if role:
                    user.groups.set([Group.objects.get(name=role)])
                verb = "created" if created else "reset"
                self.stdout.write(f"{username}: {verb} ({role or 'admin'})")
