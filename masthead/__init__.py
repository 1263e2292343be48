"""Masthead: a publishing platform for independent online news outlets."""

__version__ = "0.1.0"
