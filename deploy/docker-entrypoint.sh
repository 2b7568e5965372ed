#!/bin/sh
# Container entrypoint: a first start on an empty volume gets the sample config (and its JSON Schema) to edit;
# then runs `rundschau "$@"` as PID 1's only child, so SIGTERM from `docker stop` reaches it.
set -eu
if [ ! -e "$RUNDSCHAU_CONFIG" ]; then
  cp /app/rundschau.yaml "$RUNDSCHAU_CONFIG"
  cp /app/rundschau.schema.json "$(dirname "$RUNDSCHAU_CONFIG")/rundschau.schema.json"
  echo "rundschau: wrote the sample config to $RUNDSCHAU_CONFIG; edit it (changes apply without a restart)" >&2
fi
exec /app/bin/rundschau.js "$@"
