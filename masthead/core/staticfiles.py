"""Static file storage for the development server."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedOrSourceStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Production's storage: hashed, compressed copies named by the manifest that
    `masthead collectstatic` writes (`make run` runs it), which whitenoise serves as
    immutable. A file not collected yet keeps its plain name, which whitenoise serves from
    the app's own folder, so a server started by hand before any collectstatic still works."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # neither in the manifest nor in STATIC_ROOT to hash
            return name
