"""The `lang-portal` command: the spec's Mage tasks (initdb, migrate, seed, serve) and more."""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lang_portal.clock import SystemClock
from lang_portal.database import Database, DatabaseUnavailableError
from lang_portal.errors import ApiError
from lang_portal.models.transfer import HistoryImportReport, WordImportReport
from lang_portal.repository import maintenance as maintenance_repo
from lang_portal.repository import migrations
from lang_portal.repository import ops as ops_repo
from lang_portal.repository.migrations import MigrationError
from lang_portal.service import backup
from lang_portal.service.backup import BackupError
from lang_portal.service.maintenance import TASK_NAMES, Maintenance, enable_incremental_vacuum
from lang_portal.service.retention import ArchiveError, RetentionService
from lang_portal.service.seeding import SeedError
from lang_portal.settings import (
    MIGRATIONS_DIR,
    SEEDS_DIR,
    Settings,
    SettingsError,
    load_settings,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_SETTINGS = 2


class CommandError(Exception):
    """A failure to report in one line, without a traceback."""


def _database(settings: Settings) -> Database:
    path = settings.database_path
    if path.exists() and path.is_dir():
        raise CommandError(f"DATABASE_PATH {path} is a directory, not a database file")
    if not path.parent.exists():
        raise CommandError(f"DATABASE_PATH {path}: directory {path.parent} does not exist")
    return Database(path, busy_timeout_ms=settings.database_busy_timeout_ms)


def _migrations_dir() -> Path:
    return MIGRATIONS_DIR


def cmd_initdb(settings: Settings, args: argparse.Namespace) -> int:
    existed = settings.database_path.exists()
    db = _database(settings)
    try:
        db.ensure_writable()
        with db.write() as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        db.close()
    state = "already exists" if existed else "created"
    print(f"database {settings.database_path} {state} (WAL mode); run `lang-portal migrate` next")
    return EXIT_OK


def migrate_database(settings: Settings) -> list[str]:
    """Apply pending migrations, after a backup when the database already holds a schema."""
    db = _database(settings)
    try:
        if migrations.pending(db, _migrations_dir()):
            with db.read() as connection:
                has_schema = bool(ops_repo.recorded_migrations(connection))
            if has_schema:
                result = backup.take_backup(
                    db,
                    settings.backup_path,
                    SystemClock().now(),
                    retention=settings.backup_retention,
                )
                print(f"backed up to {result.path} before migrating")
        if enable_incremental_vacuum(db):
            print("converted the database to incremental auto-vacuum (one full VACUUM)")
        applied = migrations.apply(db, _migrations_dir(), SystemClock())
    finally:
        db.close()
    if REPLAY_HISTORY_AFTER.intersection(applied):
        _replay_history(settings)
    return applied


# Migrations that add state derived from the review history create it empty: on a database
# that already has a history, the history is replayed into it, or an upgrade would forget
# every word's scheduling (all words "new") and the analytics of every earlier day.
REPLAY_HISTORY_AFTER = {"0002_srs_analytics.sql"}


def _replay_history(settings: Settings) -> None:
    from lang_portal.app import build_services

    services = build_services(settings)
    try:
        with services.context.db.write() as connection:
            replayed = services.answers.rebuild(connection)
    finally:
        services.context.db.close()
    if replayed:
        print(f"replayed {replayed} reviews into the state the new migrations added")


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    if args.status:
        db = _database(settings)
        try:
            rows = migrations.status(db, _migrations_dir())
        finally:
            db.close()
        for row in rows:
            print(f"{'applied ' + row.applied_at if row.applied_at else 'pending':40} {row.name}")
        pending = sum(1 for row in rows if row.applied_at is None)
        print(f"{len(rows) - pending} applied, {pending} pending")
        return EXIT_OK
    applied = migrate_database(settings)
    if applied:
        for name in applied:
            print(f"applied {name}")
    else:
        print(f"database {settings.database_path} is up to date")
    return EXIT_OK


def seed_database(settings: Settings, seeds_dir: Path | None = None) -> str:
    from lang_portal.app import build_services

    services = build_services(settings)
    try:
        report = services.seeding.seed(seeds_dir or SEEDS_DIR)
    finally:
        services.context.db.close()
    if not report.changed:
        return f"seeded nothing new: {report.rows} rows in {report.files} files already present"
    return (
        f"seeded {report.words_added} words, {report.groups_added} groups, "
        f"{report.memberships_added} group memberships and {report.activities_added} study "
        f"activities from {report.files} files ({report.rows} rows)"
    )


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    _require_schema(settings)
    print(seed_database(settings, Path(args.dir) if args.dir else None))
    return EXIT_OK


def _require_schema(settings: Settings) -> None:
    if not settings.database_path.exists():
        raise CommandError(
            f"database {settings.database_path} does not exist; run `lang-portal migrate` first"
        )
    db = _database(settings)
    try:
        pending = migrations.pending(db, _migrations_dir())
    finally:
        db.close()
    if pending:
        raise CommandError(
            f"{len(pending)} migration(s) pending ({pending[0].name}...); run `lang-portal migrate`"
        )


def _database_is_empty(settings: Settings) -> bool:
    db = _database(settings)
    try:
        with db.read() as connection:
            row = connection.execute(
                "SELECT (SELECT count(*) FROM words) + (SELECT count(*) FROM study_activities)"
            ).fetchone()
        return int(row[0]) == 0
    finally:
        db.close()


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.database_path.is_file():
        raise CommandError(f"database {settings.database_path} does not exist")
    directory = Path(args.dir) if args.dir else settings.backup_path
    db = _database(settings)
    try:
        result = backup.take_backup(
            db, directory, SystemClock().now(), retention=settings.backup_retention
        )
    finally:
        db.close()
    print(f"backup written to {result.path} ({result.size_bytes} bytes, integrity check ok)")
    if result.pruned:
        print(f"pruned {len(result.pruned)} old backup(s) beyond BACKUP_RETENTION")
    return EXIT_OK


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError("restore replaces the database; pass --yes to confirm")
        answer = input(f"replace {settings.database_path} with {args.file}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("restore cancelled")
            return EXIT_FAILED
    result = backup.restore(
        Path(args.file),
        settings.database_path,
        settings.backup_path,
        _migrations_dir(),
        SystemClock().now(),
    )
    if result.safety_copy:
        print(f"the previous database was saved to {result.safety_copy}")
    print(
        f"restored {settings.database_path} from {result.restored_from} "
        f"({len(result.migrations)} migration(s) recorded, integrity check ok); "
        "run `lang-portal migrate` if this release has newer migrations"
    )
    return EXIT_OK


def _stop_quietly(signum: int, frame: object) -> None:
    """The server re-raises SIGTERM/SIGINT once it has shut down gracefully; by then there is
    nothing left to do, so exit 0 rather than die by the signal (a clean stop, for systemd)."""


def _prepare_metrics_dir(settings: Settings) -> None:
    """Several workers share metrics through files; start each run with an empty directory."""
    if settings.workers <= 1 or not settings.metrics_enabled:
        return
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="lang-portal-metrics-")


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from lang_portal.middleware.logging import configure_logging

    overrides = {"API_HOST": args.host, "API_PORT": args.port, "WORKERS": args.workers}
    for name, value in overrides.items():
        if value is not None:
            os.environ[name] = str(value)
    settings = load_settings()
    configure_logging(settings)
    _prepare_metrics_dir(settings)
    for name in migrate_database(settings):
        print(f"applied {name}")
    if _database_is_empty(settings):
        print(seed_database(settings))
    print(
        f"serving on http://{settings.api_host}:{settings.api_port} "
        f"with {settings.workers} worker(s); docs at /swagger/index.html"
    )
    sys.stdout.flush()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _stop_quietly)
    try:
        uvicorn.run(
            "lang_portal.app:app_from_environment",
            factory=True,
            host=settings.api_host,
            port=settings.api_port,
            workers=settings.workers,
            log_level=settings.log_level,
            log_config=None,  # our handler, set up above, formats the server's lines too
            access_log=False,  # the access log middleware writes the request lines
            timeout_graceful_shutdown=math.ceil(settings.graceful_shutdown_timeout),
        )
    finally:
        metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
        if metrics_dir.startswith(tempfile.gettempdir() + "/lang-portal-metrics-"):
            shutil.rmtree(metrics_dir, ignore_errors=True)
    print("server stopped")
    return EXIT_OK


def _maintenance(settings: Settings) -> tuple[Maintenance, Database]:
    from lang_portal.app import build_services

    _require_schema(settings)
    services = build_services(settings)
    return Maintenance(services.context), services.context.db


def cmd_maintenance_run(settings: Settings, args: argparse.Namespace) -> int:
    maintenance, db = _maintenance(settings)
    try:
        outcome = maintenance.execute(args.task, force=args.force)
    finally:
        db.close()
    print(
        f"{outcome.task}: {outcome.status} after {outcome.attempts} attempt(s) in "
        f"{outcome.duration_ms:.0f} ms: {outcome.detail}"
    )
    return EXIT_OK if outcome.status == "ok" else EXIT_FAILED


def cmd_maintenance_status(settings: Settings, args: argparse.Namespace) -> int:
    maintenance, db = _maintenance(settings)
    try:
        with db.read() as connection:
            runs = {row["task"]: row for row in maintenance_repo.task_runs(connection)}
    finally:
        db.close()
    for task in TASK_NAMES:
        interval = maintenance.interval(task)
        every = "off" if interval is None else f"every {interval.total_seconds() / 3600:g} h"
        row = runs.get(task)
        last = (
            "never run"
            if row is None
            else f"{row['status']} at {row['started_at']} ({row['duration_ms'] or 0:.0f} ms): "
            f"{row['detail'] or ''}"
        )
        print(f"{task:10} {every:14} {last}")
    return EXIT_OK


def cmd_archive_restore(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.app import build_services

    _require_schema(settings)
    services = build_services(settings)
    try:
        result = RetentionService(services.context).restore(Path(args.file))
    finally:
        services.context.db.close()
    print(
        f"restored {result.sessions} session(s) and {result.reviews} answer(s) from {result.path}"
        + (
            f"; {result.skipped_sessions} session(s) skipped (their group or activity was "
            "deleted since)"
            if result.skipped_sessions
            else ""
        )
    )
    return EXIT_OK


def evaluation_lines(report: dict[str, object]) -> list[str]:
    lines = [
        f"replayed {report.get('reviews_replayed', 0)} reviews of {report.get('words', 0)} words; "
        f"scored {report['reviews_scored']} (answers a day or more after the word's last review)"
    ]
    if not report["reviews_scored"]:
        lines.append("nothing to score yet")
        return lines
    lines.append(f"average recall {report['average_recall']:.4f} over {report['bins']} RMSE bins")
    lines.append(f"{'':10}{'log loss':>10}{'RMSE(bins)':>12}{'AUC':>8}")
    for name in ("fsrs", "baseline"):
        scores = report[name]
        assert isinstance(scores, dict)
        auc = "n/a" if scores["auc"] is None else f"{scores['auc']:.4f}"
        lines.append(
            f"{name.upper() if name == 'fsrs' else name:10}{scores['log_loss']:>10.4f}"
            f"{scores['rmse_bins']:>12.4f}{auc:>8}"
        )
    return lines


def cmd_srs_evaluate(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.app import build_services

    _require_schema(settings)
    services = build_services(settings)
    try:
        report = services.srs.replay_evaluation()
    finally:
        services.context.db.close()
    if args.json:
        import json

        print(json.dumps(report, indent=2))
    else:
        print("\n".join(evaluation_lines(report)))
    return EXIT_OK


def optimize_lines(outcome: dict[str, Any]) -> list[str]:
    split = outcome["split"]
    lines = [
        f"{split['answers']} answers: fitted on the {split['training_answers']} before "
        f"{split['split_at']}, scored on the {split['held_out_answers']} from then on "
        f"({split['training_reviews_scored']} and {split['held_out_reviews_scored']} a day or "
        "more after the word's previous answer)"
    ]
    scores = outcome["scores"]
    if scores:
        labels = {
            "fitted": "fitted",
            "fitted_slow_as_hard": "fitted, slow right = hard",
            "in_use": "in use",
            "defaults": "defaults",
            "constant": "constant",
        }
        lines[-1:] = [lines[-1], f"{'held out':26}{'log loss':>10}{'RMSE(bins)':>12}{'AUC':>8}"]
        for name, label in labels.items():
            row = scores.get(name)
            if row is None:
                continue
            auc = "n/a" if row["auc"] is None else f"{row['auc']:.4f}"
            lines.append(f"{label:26}{row['log_loss']:>10.4f}{row['rmse_bins']:>12.4f}{auc:>8}")
        answer_time = outcome.get("answer_time") or {}
        if answer_time.get("tried"):
            lines.append(
                f"right answers slower than {answer_time['slow_ms']} ms as hard: "
                f"{'adopted' if answer_time['adopted'] else 'not adopted'} (held-out log loss "
                f"{answer_time['log_loss_slow_right_as_hard']:.4f} against "
                f"{answer_time['log_loss_right_as_good']:.4f})"
            )
        lines.append(
            f"fit {outcome['fit_seconds']:.2f} s, scoring {outcome['score_seconds']:.2f} s"
        )
    lines.append(outcome["reason"])
    return lines


def cmd_srs_optimize(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.app import build_services

    _require_schema(settings)
    services = build_services(settings)
    quiet = args.json

    def progress(message: str) -> None:
        if not quiet:
            print(f"... {message}", file=sys.stderr, flush=True)

    try:
        outcome = services.optimizer.optimize(progress)
    finally:
        services.context.db.close()
    assert outcome is not None
    report = outcome.as_json()
    if args.json:
        import json

        print(json.dumps(report, indent=2))
    else:
        print("\n".join(optimize_lines(report)))
    return EXIT_OK


class Progress:
    """One line on stderr, rewritten in place while long work runs (only on a terminal)."""

    def __init__(self, label: str, total: int | None = None) -> None:
        self.label = label
        self.total = total
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int) -> None:
        if not self.shown:
            return
        if self.total:
            width = 30
            filled = min(width, width * done // self.total)
            bar = "#" * filled + "-" * (width - filled)
            print(f"\r{self.label} [{bar}] {done}/{self.total}", end="", file=sys.stderr)
        else:
            print(f"\r{self.label} {done}", end="", file=sys.stderr)
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def cmd_export_history(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.app import build_services

    _require_schema(settings)
    services = build_services(settings)
    target = Path(args.file)
    partial = target.with_name(target.name + ".partial")
    written = 0
    progress = Progress("exporting, bytes")
    try:
        with partial.open("wb") as handle:
            for chunk in services.transfer.export_history_chunks():
                handle.write(chunk)
                written += len(chunk)
                progress(written)
        partial.replace(target)
    finally:
        progress.close()
        partial.unlink(missing_ok=True)
        services.context.db.close()
    print(f"exported the history to {target} ({written} bytes)")
    return EXIT_OK


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.app import build_services

    _require_schema(settings)
    source = Path(args.file)
    with source.open("rb") as handle:
        services = build_services(settings)
        report: WordImportReport | HistoryImportReport
        try:
            if args.what == "words":
                try:
                    text = handle.read().decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise CommandError(f"{source}: the CSV is not UTF-8") from exc
                report = services.transfer.import_words_csv(text)
            else:
                # parsed from the file as a stream: memory stays bounded whatever its size
                progress = Progress("replaying answers")
                try:
                    report = services.transfer.import_history_file(handle, progress)
                finally:
                    progress.close()
        except ApiError as exc:
            raise CommandError(f"{source}: {_first_problem(exc)}") from exc
        finally:
            services.context.db.close()
    counts = dataclasses.asdict(report)
    print(", ".join(f"{key.replace('_', ' ')} {value}" for key, value in counts.items()))
    return EXIT_OK


def _first_problem(exc: ApiError) -> str:
    """The error and its first listed problem, on one line."""
    errors = exc.details.get("errors") if isinstance(exc.details, dict) else None
    if not errors:
        return str(exc)
    first = errors[0]
    where = first.get("path") or f"line {first.get('line')}"
    return f"{exc}; first: {where}: {first['reason']}"


def cmd_xapi_add_key(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.xapi.auth import create_key

    name = args.name.strip()
    if not name or len(name) > 100:
        raise CommandError("NAME must be 1-100 characters (who or what uses the key)")
    _require_schema(settings)
    db = _database(settings)
    try:
        key = create_key(db, name, SystemClock().now())
    finally:
        db.close()
    print(f"made xAPI key {key.username!r} for {name!r}; the secret is shown only now.")
    print("Point the app at /xapi with HTTP Basic authentication as USERNAME:SECRET:")
    print(f"{key.username}:{key.secret}")
    return EXIT_OK


def cmd_xapi_keys(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.repository import xapi_keys

    _require_schema(settings)
    db = _database(settings)
    try:
        with db.read() as connection:
            rows = xapi_keys.list_keys(connection)
    finally:
        db.close()
    for row in rows:
        scope = f"launch key for registration {row['registration']}" if row["registration"] else ""
        expires = f", expires {row['expires_at']}" if row["expires_at"] else ""
        print(f"{row['username']:20} {row['name']!r} made {row['created_at']} {scope}{expires}")
    fixed = len(settings.xapi_credentials)
    print(f"{len(rows)} key(s) in the database; XAPI_CREDENTIALS lists {fixed}")
    return EXIT_OK


def cmd_xapi_remove_key(settings: Settings, args: argparse.Namespace) -> int:
    from lang_portal.repository import xapi_keys

    _require_schema(settings)
    db = _database(settings)
    try:
        with db.write() as connection:
            removed = xapi_keys.delete_key(connection, args.username)
    finally:
        db.close()
    if not removed:
        raise CommandError(f"no key {args.username!r} in the database (`lang-portal xapi keys`)")
    print(f"removed xAPI key {args.username!r}: it is refused from now on")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lang-portal",
        description="Run and maintain the lang-portal backend. Settings come from "
        "config/default.yaml and environment variables (DATABASE_PATH, API_PORT, ...).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("initdb", help="create the SQLite database file").set_defaults(
        handler=cmd_initdb
    )

    migrate = commands.add_parser("migrate", help="apply pending migrations")
    migrate.add_argument("--status", action="store_true", help="list migrations and their state")
    migrate.set_defaults(handler=cmd_migrate)

    seed = commands.add_parser("seed", help="load the seed vocabulary and activities")
    seed.add_argument("--dir", help="seed directory holding manifest.json (default: seeds/)")
    seed.set_defaults(handler=cmd_seed)

    serve = commands.add_parser("serve", help="migrate, seed an empty database, then serve the API")
    serve.add_argument("--host", help="address to bind (API_HOST)")
    serve.add_argument("--port", type=int, help="port (API_PORT)")
    serve.add_argument("--workers", type=int, help="worker processes (WORKERS)")
    serve.set_defaults(handler=cmd_serve)

    srs = commands.add_parser("srs", help="spaced repetition tools")
    srs_commands = srs.add_subparsers(dest="srs_command", required=True, metavar="SRS_COMMAND")
    evaluate = srs_commands.add_parser(
        "evaluate",
        help="replay the stored history and score FSRS's recall predictions against a "
        "constant-average baseline (log loss, RMSE(bins), AUC)",
    )
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(handler=cmd_srs_evaluate)
    optimize = srs_commands.add_parser(
        "optimize",
        help="fit the FSRS parameters to the history (older part), keep them only if they beat "
        "the ones in use on the newer part, and replay every card with them",
    )
    optimize.add_argument("--json", action="store_true", help="print the outcome as JSON")
    optimize.set_defaults(handler=cmd_srs_optimize)

    export = commands.add_parser("export", help="write a file for another portal or a backup")
    export_commands = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    export_history = export_commands.add_parser(
        "history", help="the whole study history as the spec's JSON (streamed)"
    )
    export_history.add_argument("file", help="where to write it")
    export_history.set_defaults(handler=cmd_export_history)

    load = commands.add_parser("import", help="read a file into the database, all or nothing")
    load_commands = load.add_subparsers(dest="what", required=True, metavar="WHAT")
    load_history = load_commands.add_parser(
        "history", help="a history export; what is already stored is not stored twice"
    )
    load_history.add_argument("file", help="a JSON file written by `export history`")
    load_history.set_defaults(handler=cmd_import)
    load_words = load_commands.add_parser(
        "words", help="a CSV word list: japanese,romaji,english,tags,groups"
    )
    load_words.add_argument("file", help="a CSV file (UTF-8)")
    load_words.set_defaults(handler=cmd_import)

    xapi = commands.add_parser("xapi", help="the xAPI learning record store at /xapi")
    xapi_commands = xapi.add_subparsers(dest="xapi_command", required=True, metavar="XAPI_COMMAND")
    add_key = xapi_commands.add_parser(
        "add-key",
        help="make an HTTP Basic key for /xapi (stored hashed; the last line printed is "
        "USERNAME:SECRET, shown once)",
    )
    add_key.add_argument("name", help="who or what uses the key, e.g. 'quiz app'")
    add_key.set_defaults(handler=cmd_xapi_add_key)
    xapi_commands.add_parser("keys", help="list the keys in the database").set_defaults(
        handler=cmd_xapi_keys
    )
    remove_key = xapi_commands.add_parser("remove-key", help="delete a key: refused from now on")
    remove_key.add_argument("username", help="the key's USERNAME (`lang-portal xapi keys`)")
    remove_key.set_defaults(handler=cmd_xapi_remove_key)

    take = commands.add_parser(
        "backup", help="take a consistent, compressed, checked backup (safe while serving)"
    )
    take.add_argument("--dir", help="directory for the backup (default: BACKUP_PATH)")
    take.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore", help="check a backup and replace the database with it (keeps a safety copy)"
    )
    restore.add_argument("file", help="a backup written by `lang-portal backup` (.db.gz or .db)")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(handler=cmd_restore)

    maintenance = commands.add_parser("maintenance", help="scheduled maintenance tasks")
    maintenance_commands = maintenance.add_subparsers(
        dest="maintenance_command", required=True, metavar="MAINTENANCE_COMMAND"
    )
    run = maintenance_commands.add_parser(
        "run", help="run one task now, with its timeout and retries (safe while serving)"
    )
    run.add_argument("task", choices=TASK_NAMES)
    run.add_argument(
        "--force",
        action="store_true",
        help="retention: archive even though RETENTION_ENABLED is false",
    )
    run.set_defaults(handler=cmd_maintenance_run)
    maintenance_commands.add_parser(
        "status", help="each task's schedule and last run"
    ).set_defaults(handler=cmd_maintenance_status)

    archive = commands.add_parser("archive", help="the archive of old study sessions")
    archive_commands = archive.add_subparsers(
        dest="archive_command", required=True, metavar="ARCHIVE_COMMAND"
    )
    archive_restore = archive_commands.add_parser(
        "restore", help="put an archive's sessions and answers back into the live tables"
    )
    archive_restore.add_argument("file", help="a sessions-*.json.gz file from ARCHIVE_PATH")
    archive_restore.set_defaults(handler=cmd_archive_restore)
    return parser


CommandHandler = Callable[[Settings, argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"lang-portal: {exc}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    handler: CommandHandler = args.handler
    try:
        return handler(settings, args)
    except SettingsError as exc:
        print(f"lang-portal: {exc}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    except (
        CommandError,
        DatabaseUnavailableError,
        MigrationError,
        SeedError,
        BackupError,
        ArchiveError,
        ApiError,
        sqlite3.Error,
        OSError,
    ) as exc:
        print(f"lang-portal {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
