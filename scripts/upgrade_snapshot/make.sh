#!/usr/bin/env bash
# Makes the upgrade test's KV fixture from a released version's own code:
#   scripts/upgrade_snapshot/make.sh <commit> <version>   →  server/test/release/testdata/kv-<version>.json
# The released tree is extracted to a temporary directory (git archive: no worktree, nothing of this checkout changed),
# sharing this checkout's node_modules except @tripwire/common, which must be the released one.
set -euo pipefail
commit=$1 version=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$commit" common server jest.config.js tsconfig.json package.json plugin.json scripts/gen-manifest.mjs | tar -x -C "$tmp"
mkdir -p "$tmp/node_modules/@tripwire"
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
    [ "$(basename "$entry")" = "@tripwire" ] || ln -s "$entry" "$tmp/node_modules/$(basename "$entry")"
done
ln -s "$tmp/common" "$tmp/node_modules/@tripwire/common"
mkdir -p "$tmp/webapp/src" && (cd "$tmp" && node scripts/gen-manifest.mjs >/dev/null)
cp "$root/scripts/upgrade_snapshot/snapshot.gen.ts" "$tmp/server/upgrade_snapshot.test.ts"
mkdir -p "$root/server/test/release/testdata"
(cd "$tmp" && SNAPSHOT_OUT="$root/server/test/release/testdata/kv-$version.json" SNAPSHOT_VERSION=$version SNAPSHOT_COMMIT=$(git -C "$root" rev-parse --short "$commit") \
    node_modules/.bin/jest --ci --selectProjects=server --runTestsByPath server/upgrade_snapshot.test.ts)
echo "wrote server/test/release/testdata/kv-$version.json"
