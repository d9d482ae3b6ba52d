#!/usr/bin/env bash
# Prints the path of a Python 3.10 or 3.9 interpreter (TFX 1.16 supports nothing newer).
# Order: $PYTHON if set, python3.10/python3.9 on PATH, pyenv's installed versions (asked for
# directly, because the pyenv shim refuses a version that is not selected), system paths.
set -u

is_supported() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 10), (3, 9)) else 1)' \
    >/dev/null 2>&1
}

if [ -n "${PYTHON:-}" ]; then
  if is_supported "$PYTHON"; then command -v "$PYTHON"; exit 0; fi
  echo "error: PYTHON=$PYTHON is not a working Python 3.9 or 3.10 interpreter." >&2
  exit 1
fi

candidates=(python3.10 python3.9)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  candidates+=($(ls -d "$root"/versions/3.10.* "$root"/versions/3.9.* 2>/dev/null \
    | sort -Vr | sed 's|$|/bin/python3|'))
fi
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.9 /usr/local/bin/python3.9)

for candidate in "${candidates[@]}"; do
  if is_supported "$candidate"; then
    "$candidate" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

cat >&2 <<'MSG'
error: no Python 3.10 or 3.9 interpreter found. TFX 1.16 needs one of them.
Install one, then run make again:
  pyenv install 3.10.13            # with pyenv
  sudo apt-get install python3.10 python3.10-venv   # Debian/Ubuntu with that package
  uv python install 3.10           # with uv
or point to one explicitly: make PYTHON=/path/to/python3.10 ...
MSG
exit 1
