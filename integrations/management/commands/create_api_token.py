"""python manage.py create_api_token USERNAME — an API key acting as USERNAME, with that user's
role and object rules. The key is printed as the last line (scripts take ``| tail -n1``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from integrations.keys import ApiKeyError, api_key_create

SCOPES = ("read", "write", "import")


class Command(BaseCommand):
    help = "Create an API key for USERNAME and print it as the last line of output."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="", help="What the key is for (default: cli-USERNAME)."
        )
        parser.add_argument(
            "--scopes",
            default="read,write,import",
            help="Comma-separated scopes from read, write, import (default: all three).",
        )
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="Expire the key after N days."
        )

    def handle(self, *args, username: str, name: str, scopes: str, expires_in_days, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        wanted = {scope.strip() for scope in scopes.split(",") if scope.strip()}
        unknown = wanted - set(SCOPES)
        if unknown:
            raise CommandError(
                f"Unknown scope(s): {', '.join(sorted(unknown))}; use {', '.join(SCOPES)}."
            )
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        try:
            api_key, key = api_key_create(
                user=user,
                name=name or f"cli-{username}",
                read="read" in wanted,
                write="write" in wanted,
                import_="import" in wanted,
                expires_at=expires_at,
            )
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"API key {api_key.prefix} for {username} (scopes: {', '.join(api_key.scopes)}); "
            "it is shown once, store it now:"
        )
        self.stdout.write(key)
