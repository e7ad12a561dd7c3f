#!/usr/bin/env bash
# Copies the spec data the runner reads (OpenAPI definitions, event schemas, string formats) from a
# checkout of matrix-org/matrix-spec's data/ folder (default: ../shared/matrix-spec next to the repository)
# into spec-compliance/matrix-spec/, so the runner and CI work from a clean checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source="${1:-$here/../../shared/matrix-spec}"
target="$here/matrix-spec"
rm -rf "$target"
mkdir -p "$target/event-schemas"
cp -r "$source/api" "$source/schemas" "$source/string-formats.yaml" "$source/LICENSE" "$source/README.md" "$target/"
cp -r "$source/event-schemas/schema" "$target/event-schemas/"
echo "copied $(find "$target" -type f | wc -l) files from $source"
