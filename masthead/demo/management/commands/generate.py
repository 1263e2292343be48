import time

from django.core.management.base import BaseCommand

from masthead.demo.generate import GENERATORS, Size, refresh_planner_statistics

SIZES = ("articles", "authors", "sections", "tags", "years")


class Command(BaseCommand):
    help = (
        "Add a large generated site for benchmarks (defaults: 100,000 articles over 10 years, "
        "with 1,000,000 reader comments and 100,000 newsletter subscribers)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        defaults = Size()
        for name in SIZES:
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
        parser.add_argument(
            "--comments",
            type=int,
            default=None,
            help="Reader comments over the generated articles (default: ten per article; 0 for none).",
        )
        parser.add_argument(
            "--subscribers",
            type=int,
            default=None,
            help="Confirmed newsletter subscribers (default: one per article; 0 for none).",
        )

    def handle(self, *args, **options):
        size = Size(
            **{name: options[name] for name in SIZES}, comments=options["comments"], subscribers=options["subscribers"]
        )
        if min(getattr(size, name) for name in SIZES) < 1 or size.comment_count < 0 or size.subscriber_count < 0:
            self.stderr.write("Every size must be at least 1 (comments and subscribers at least 0).")
            raise SystemExit(2)
        for name, generator in GENERATORS:
            started = time.monotonic()
            made = generator(size, progress=lambda line: self.stdout.write(f"  {line}"))
            self.stdout.write(f"{name}: {made:,} added in {time.monotonic() - started:.0f}s")
        refresh_planner_statistics()
