"""Static files as every Kader server serves them, `make run` included (issue 19).

`collectstatic` writes each file under a name holding a hash of its content
(`kader.3f2a9c1b7d4e.css`), with a gzip and a brotli copy beside it; WhiteNoise serves the
smallest the browser accepts, and a hashed name with `Cache-Control: max-age=315360000,
public, immutable`, so a browser fetches a file once until it changes.

Django's manifest storage links the plain names when DEBUG is on, which `make run` sets:
every page then checked each file again. This storage links the hashed names whatever
DEBUG says; a name that was never collected is an error, as in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=True)


class VendorFinder(BaseFinder):
    """The front-end packages' files that the pages use, and only those (with their source
    maps, which the files name and the manifest storage must therefore find).

    settings.KADER_VENDOR_FILES: (URL prefix, folder under node_modules, [files in it]).
    Collecting whole `dist/` folders copied and compressed 50 MB of builds no page loads.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        root = Path(settings.BASE_DIR) / "node_modules"
        self.entries: list[tuple[str, FileSystemStorage, list[str]]] = []
        for prefix, folder, files in settings.KADER_VENDOR_FILES:
            storage = FileSystemStorage(location=root / folder)
            # Read by collectstatic, as Django's own finder sets it for STATICFILES_DIRS.
            storage.prefix = prefix  # type: ignore[attr-defined]
            maps = [f"{name}.map" for name in files if storage.exists(f"{name}.map")]
            self.entries.append((prefix, storage, [*files, *maps]))

    def check(self, **kwargs) -> list[checks.CheckMessage]:
        return [
            checks.Error(
                f"{storage.path(name)} is missing: run `make assets` (npm ci).",
                id="kader.E001",
            )
            for _prefix, storage, files in self.entries
            for name in files
            if not storage.exists(name)
        ]

    # The stubs overload find() on find_all's literal value; one body serves both.
    def find(  # type: ignore[override]
        self, path: str, find_all: bool = False, **kwargs
    ) -> str | list[str] | None:
        found = []
        for prefix, storage, files in self.entries:
            name = path.removeprefix(f"{prefix}/")
            if name != path and name in files:
                found.append(storage.path(name))
                if not find_all:
                    return found[0]
        return found if find_all else None

    def list(self, ignore_patterns) -> Iterator[tuple[str, FileSystemStorage]]:
        for _prefix, storage, files in self.entries:
            for name in files:
                yield name, storage
