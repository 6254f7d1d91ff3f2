"""auditwheel's verdict on a musllinux wheel, read on a glibc host.

Given `auditwheel show --json --ldpaths <empty dir>` on stdin and the
policy name (musllinux_1_2), prints the symbol-version tag if every library
auditwheel could not resolve is one that policy allows (musl's `libc.so`) and
no versioned (glibc) symbol is needed; exits non-zero naming the problem
otherwise. Resolving nothing is deliberate: this host's `libc.so` is glibc's
linker script, which auditwheel cannot parse, and the host has no musl."""

import json
import pathlib
import sys

import auditwheel.policy

report = json.load(sys.stdin)
policies = json.loads((pathlib.Path(auditwheel.policy.__file__).parent / "musllinux-policy.json").read_text())
allowed = next(p["lib_whitelist"] for p in policies if p["name"] == sys.argv[1])
extra = sorted(set(report["external_libs"]) - set(allowed))
if extra:
    sys.exit(f"needs libraries the {sys.argv[1]} policy does not allow: {extra}")
if report["versioned_symbols"]:
    sys.exit(f"needs versioned symbols: {report['versioned_symbols']}")
print(report["sym_tag"])
