"""The docker-compose deployment (docs/deploy.md): the file is valid and has the promised shape.

Validation is docker-compose's own (`docker-compose config`), so no Docker daemon is needed.
The normalised file it prints is parsed with PyYAML, which drf-spectacular depends on.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"

# The variables compose must refuse to start without (${VAR:?...} in docker-compose.yml).
# Dummy values: only the file's structure is under test.
REQUIRED_ENV = {
    "DJANGO_SECRET_KEY": "dummy-secret-for-config-validation",
    "DJANGO_ALLOWED_HOSTS": "bridge.example.org",
    "BRIDGE_BASE_URL": "https://bridge.example.org",
    "POSTGRES_PASSWORD": "dummypassword",
    "BACKUP_PASSPHRASE": "dummy-backup-passphrase",
    "BRIDGE_DOCUMENT_KEYS": "dummy:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
}
APP_SERVICES = ("web", "worker", "beat")


def compose_command() -> list[str]:
    """Debian's docker-compose (what scripts/test installs), else the `docker compose` plugin."""
    if legacy := shutil.which("docker-compose"):
        return [legacy]
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:  # noqa: S603
        return [docker, "compose"]
    pytest.fail("docker-compose is not installed (scripts/test installs it: apt-get install docker-compose)")


def run_compose(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Runs compose on our file with exactly `env`: nothing from the caller's shell, the test
    settings (which put DJANGO_SECRET_KEY into os.environ) or a developer's .env leaks in."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    clean_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), **env}
    return subprocess.run(  # noqa: S603
        [*compose_command(), "--env-file", str(empty_env_file), "-f", str(COMPOSE_FILE), *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid(tmp_path: Path) -> None:
    result = run_compose(tmp_path, REQUIRED_ENV, "config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED_ENV))
def test_compose_refuses_to_start_without_required_settings(tmp_path: Path, missing: str) -> None:
    env = {name: value for name, value in REQUIRED_ENV.items() if name != missing}
    result = run_compose(tmp_path, env, "config", "-q")
    assert result.returncode != 0
    assert missing in result.stderr


def test_compose_defines_the_stack_and_builds_app_services_from_one_dockerfile(tmp_path: Path) -> None:
    result = run_compose(tmp_path, REQUIRED_ENV, "config")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]

    assert set(services) >= {"postgres", "redis", "web", "worker", "beat", "mailcatcher"}

    builds = {name: services[name].get("build") for name in APP_SERVICES}
    assert builds["web"] is not None, "web must be built from the Dockerfile"
    assert builds["worker"] == builds["web"]
    assert builds["beat"] == builds["web"]
    assert Path(builds["web"]["context"]).resolve() == ROOT
    assert builds["web"].get("dockerfile", "Dockerfile") == "Dockerfile"
    assert (ROOT / "Dockerfile").is_file()
    assert len({services[name].get("image") for name in APP_SERVICES}) == 1

    for name in APP_SERVICES:
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"

    web_command = " ".join(services["web"]["command"])
    assert web_command.index("migrate") < web_command.index("gunicorn -c config/gunicorn.py config.wsgi")
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_the_worker_is_restarted_when_it_exits_and_pings_its_own_node_for_health(tmp_path: Path) -> None:
    result = run_compose(tmp_path, REQUIRED_ENV, "config")
    assert result.returncode == 0, result.stderr
    worker = yaml.safe_load(result.stdout)["services"]["worker"]

    assert worker["restart"] == "unless-stopped"
    # $$ is compose's escape for a literal $ (its normalised file keeps it): the shell in the
    # container expands its own hostname, the worker's default node name.
    assert worker["healthcheck"]["test"] == [
        "CMD-SHELL",
        "celery -A config inspect ping --destination celery@$$HOSTNAME --timeout 10",
    ]


def test_postgres_archives_every_wal_segment_to_an_encrypted_pgbackrest_repository(tmp_path: Path) -> None:
    result = run_compose(tmp_path, REQUIRED_ENV, "config")
    assert result.returncode == 0, result.stderr
    postgres = yaml.safe_load(result.stdout)["services"]["postgres"]

    settings = " ".join(postgres["command"])
    assert "archive_mode=on" in settings
    assert "archive_command=pgbackrest --stanza=bridge archive-push %p" in settings
    assert postgres["environment"]["PGBACKREST_REPO1_CIPHER_PASS"] == REQUIRED_ENV["BACKUP_PASSPHRASE"]
    assert "pgbackrest:/var/lib/pgbackrest:rw" in postgres["volumes"]
    config = (ROOT / "deploy/postgres/pgbackrest.conf").read_text()
    assert "repo1-cipher-type=aes-256-cbc" in config


def test_the_app_reaches_postgres_through_pgbouncer_in_transaction_pooling(tmp_path: Path) -> None:
    result = run_compose(tmp_path, REQUIRED_ENV, "config")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]

    pgbouncer = services["pgbouncer"]
    assert pgbouncer["image"] == "edoburu/pgbouncer:v1.25.1-p0"
    assert pgbouncer["environment"]["POOL_MODE"] == "transaction"
    assert pgbouncer["environment"]["DB_HOST"] == "postgres"
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"] == "postgres://bridge:dummypassword@pgbouncer:5432/bridge"
        assert environment["DJANGO_DISABLE_SERVER_SIDE_CURSORS"] == "true"
    # Migrations are one long session: they go to PostgreSQL itself.
    assert services["web"]["environment"]["MIGRATION_DATABASE_URL"] == (
        "postgres://bridge:dummypassword@postgres:5432/bridge"
    )
    assert "jit=off" in services["postgres"]["command"]


def test_the_streaming_replica_runs_only_in_its_profile(tmp_path: Path) -> None:
    result = run_compose(tmp_path, REQUIRED_ENV, "--profile", "replica", "config")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]

    replica = services["postgres-replica"]
    assert replica["profiles"] == ["replica"]
    command = " ".join(replica["command"])
    assert "pg_basebackup -h postgres -U bridge" in command
    assert " -R " in command
    # Empty unless the operator points web at the replica.
    assert services["web"]["environment"]["REPLICA_DATABASE_URL"] == ""
