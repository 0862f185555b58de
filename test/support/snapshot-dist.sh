#!/bin/sh
# Copies a fresh build into a snapshot dir, for long e2e/bench runs while others rebuild
# (`nest build` deletes dist/ first):
#   sh test/support/snapshot-dist.sh /tmp/hie-dist && HIE_DIST_ROOT=/tmp/hie-dist npx vitest run test/e2e
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: snapshot-dist.sh TARGET_DIR}
cd "$root"
for attempt in 1 2 3; do
  flock /tmp/hie-build.lock sh -c "npm run build >/dev/null 2>&1 && rm -rf '$target' && mkdir -p '$target' && cp -r dist bin package.json '$target'/" || true
  # A build by someone else (without the lock) may have emptied dist/ during the copy: check.
  if [ -f "$target/dist/apps/engine/apps/engine/src/main.js" ] && [ -f "$target/dist/apps/cli/apps/cli/src/main.js" ]; then
    ln -sfn "$root/node_modules" "$target/node_modules"
    ln -sfn "$root/mappings" "$target/mappings"
    echo "$target"
    exit 0
  fi
  sleep 5
done
echo "snapshot-dist: no complete build after 3 attempts (does npm run build pass?)" >&2
exit 1
