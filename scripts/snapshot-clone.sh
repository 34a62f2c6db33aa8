#!/usr/bin/env bash
# Clones this repository into DEST (which must not exist) as the working tree would be committed:
# a clone of HEAD plus the uncommitted changes (tracked edits and deletions, untracked files that are
# not ignored). The test phases that start from a fresh clone (scripts/test-clone.sh, the set-up
# test) use it, so they test the same thing every other phase does, the working tree; on CI that is
# HEAD, so there it is exactly a clone. Touches nothing in this repository (no stash, no index).
#   bash scripts/snapshot-clone.sh DEST
set -euo pipefail
DEST=${1:?usage: snapshot-clone.sh DEST}
cd "$(dirname "$0")/.."
git clone -q --no-hardlinks "$PWD" "$DEST"
changes=$(git status --porcelain --untracked-files=all | wc -l)
if [ "$changes" -gt 0 ]; then
  patch=$(mktemp)
  git diff --binary HEAD >"$patch"
  if [ -s "$patch" ]; then git -C "$DEST" apply --binary --whitespace=nowarn "$patch"; fi
  rm -f "$patch"
  git ls-files -z --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$DEST"
fi
echo "HEAD $(git rev-parse --short HEAD), $changes uncommitted change(s) applied"
