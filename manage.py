#!/usr/bin/env python
import sys

from masthead import env

if __name__ == "__main__":
    env.use_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
