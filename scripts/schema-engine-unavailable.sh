#!/bin/sh
# Stand-in for Prisma's schema-engine binary on machines that cannot download it.
# `prisma generate` only asks it for its version; anything else must fail loudly.
if [ "$1" = "--version" ]; then
  echo "schema-engine-unavailable (offline placeholder; Takoss applies migrations itself)"
  exit 0
fi
echo "Prisma's schema engine is not installed on this machine (it could not be downloaded)." >&2
echo "Takoss applies prisma/migrations at start-up; 'prisma migrate' needs internet access to install the engine." >&2
exit 1
