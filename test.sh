#!/usr/bin/env bash
# Runs every Walkie test on a fresh machine: installs what the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")"

dotnet test Walkie.slnx --nologo
