#!/bin/sh
# The postgres image runs this once, as the postgres user, while it initialises a new database:
# the streaming replica of docker-compose's `replica` profile connects as `bridge` for
# replication, which the image's own "host all all all" line does not cover.
set -e
echo "host replication $POSTGRES_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
