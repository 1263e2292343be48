from django.conf import settings
from django.core.management.base import BaseCommand

from masthead.demo.services import ADMIN_USERNAME, admin_ensure, demo_load


class Command(BaseCommand):
    help = "Load the demo newsroom (safe to run twice) and make sure an admin account exists."

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="Do not create the admin account.")

    def handle(self, *args, no_admin=False, **options):
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
