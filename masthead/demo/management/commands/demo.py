from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from masthead.demo.services import ADMIN_USERNAME, admin_ensure, demo_load


class Command(BaseCommand):
    help = "Load the demo newsroom (safe to run twice) and make sure an admin account exists."
    # `make run` calls this on every start; the system checks already ran with migrate's
    # first run and cost seconds each time.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="Do not create the admin account.")
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply migrations first (one start-up instead of two for `make run`).",
        )

    def handle(self, *args, no_admin=False, migrate=False, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
        result = demo_load()
        self.stdout.write(f"Demo content: {result['articles_added']} articles added, {result['articles']} in all.")
        if no_admin:
            return
        generated = admin_ensure(password=settings.CONFIG.admin_password)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Admin account created. Log in at {settings.SITE_URL}/admin/ as "
                    f"'{ADMIN_USERNAME}' with password: {generated}\n"
                    "This password is shown only once. Change it with: masthead changepassword admin"
                )
            )
        else:
            self.stdout.write(f"Admin: log in at {settings.SITE_URL}/admin/ as '{ADMIN_USERNAME}'.")
