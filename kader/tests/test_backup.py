"""Backup and restore (docs/backup.md): pg_dump -Fc, pg_restore into a fresh database, and
the app, pointed at the restored database, shows the same data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from accounts.roles import COORDINATOR
from factories import AgreementFactory, SessionFactory, UserFactory
from kader.tests.test_settings import BASE_DIR, TEST_ONLY_VARIABLES

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

APPS = ("partners", "programs", "evaluations", "kader", "auth")


def pg_env(settings_dict) -> dict[str, str]:
    return {
        **os.environ,
        "PGHOST": settings_dict["HOST"] or "127.0.0.1",
        "PGPORT": str(settings_dict["PORT"] or 5432),
        "PGUSER": settings_dict["USER"] or "postgres",
        "PGPASSWORD": settings_dict["PASSWORD"] or "",
    }


def fingerprint(env: dict[str, str], database: str) -> dict[str, str]:
    """Row count and a hash of every row of every table of Kader's apps."""
    tables = sorted(
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in APPS and m._meta.managed
    )
    # Table names come from the models, not from input.
    template = (
        "select '{t}', count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' "
        "order by x::text)), '') from {t} x"
    )
    sql = " union all ".join(template.format(t=t) for t in tables)
    out = subprocess.run(
        ["psql", "-d", database, "-Atc", sql], env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split("|", 1) for line in out.splitlines())


def test_it_restores_a_backup_into_a_fresh_database_with_the_same_data(
    postgres, tmp_path, collected_static
):
    # collected_static: the restored site renders a page with the real settings, whose
    # static storage links the collected (hashed) files.
    coordinator = UserFactory(username="backup_coord", role=COORDINATOR)
    AgreementFactory.create_batch(3, formality="formal")
    SessionFactory.create_batch(2, topics="Catatan sesi — ‘kutip’ & <b>")
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"
    env = pg_env(connection.settings_dict)
    dump = Path(tmp_path) / "kader.dump"

    # The procedure of docs/backup.md.
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), source], env=env, check=True)
    subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)
    subprocess.run(["createdb", target], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump)],
            env=env,
            check=True,
        )
        before = fingerprint(env, source)
        assert int(before["partners_partner"].split(":")[0]) >= 3
        assert fingerprint(env, target) == before

        # The app, run against the restored database, lists the same agreements.
        restored_url = (
            f"postgres://{env['PGUSER']}:{env['PGPASSWORD']}@{env['PGHOST']}:{env['PGPORT']}"
            f"/{target}"
        )
        code = (
            "from django.contrib.auth.models import User;"
            "from django.test import Client;"
            "from partners.models import Agreement;"
            "c = Client(); c.cookies['kader_language'] = 'en';"
            f"c.force_login(User.objects.get(username='{coordinator.username}'));"
            "r = c.get('/partners/agreements/');"
            "body = r.content.decode();"
            "print(r.status_code, all(a.title in body for a in Agreement.objects.all()),"
            " Agreement.objects.count())"
        )
        clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=BASE_DIR,
            env={
                **clean,
                "DATABASE_URL": restored_url,
                "DEBUG": "1",
                "HTTPS": "0",
                "ALLOWED_HOSTS": "testserver",
                "KADER_REQUIRE_2FA": "0",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-3:] == ["200", "True", "3"]
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=env, check=False)
