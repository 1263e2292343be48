import time

from django.core.management.base import BaseCommand

from masthead.demo.generate import GENERATORS, Size


class Command(BaseCommand):
    help = "Add a large generated site for benchmarks (defaults: 100,000 articles over 10 years)."
    requires_system_checks = []

    def add_arguments(self, parser):
        defaults = Size()
        for name in ("articles", "authors", "sections", "tags", "years"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))

    def handle(self, *args, **options):
        size = Size(**{name: options[name] for name in ("articles", "authors", "sections", "tags", "years")})
        if min(size.articles, size.authors, size.sections, size.tags, size.years) < 1:
            self.stderr.write("Every size must be at least 1.")
            raise SystemExit(2)
        started = time.monotonic()
        for name, generator in GENERATORS:
            made = generator(size, progress=lambda line: self.stdout.write(f"  {line}"))
            self.stdout.write(f"{name}: {made:,} added in {time.monotonic() - started:.0f}s")
