#!/bin/sh
# The postgres image runs this once, as the postgres user, while it initialises a new database.
set -e
pgbackrest --stanza=bridge stanza-create
pgbackrest --stanza=bridge --type=full backup
