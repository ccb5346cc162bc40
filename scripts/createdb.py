"""Create the PostgreSQL database that DATABASE_URL names, if it does not exist yet.

`make db` runs this before migrating, so `make run` and `make demo` work on
whatever database the environment (or .env) points at, read exactly as
config/settings.py reads it.
"""

import sys
from pathlib import Path

import environ
import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
# Keep in step with DATABASES in config/settings.py.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal"


def main() -> int:
    env = environ.Env()
    environ.Env.read_env(BASE_DIR / ".env")
    config = env.db("DATABASE_URL", default=DEFAULT_DATABASE_URL)
    if "postgresql" not in config["ENGINE"]:
        print(f"DATABASE_URL must name a PostgreSQL database, not {config['ENGINE']}.")
        return 2
    name = config["NAME"]
    # Connect to the server's maintenance database: the one we want may not exist.
    params = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(
        **{key: value for key, value in params.items() if value}, autocommit=True
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return 0
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    where = f"{params['host'] or 'localhost'}:{params['port'] or 5432}"
    print(f"Created database {name} on {where}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
