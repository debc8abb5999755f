#!/usr/bin/env python3
"""Benchmark what `build --release` adds, as users run it: whole processes, CPU (user + sys, the
process and its children) and wall time, median and spread (min-max) over several runs.

Each run, interleaved so that a busy machine affects every condition alike, builds every example
into an empty folder:

- anchor: `compliance build` (the drafts only);
- `compliance build --release --allow-gaps` (drafts and unsigned release copies);
- `compliance build --release --allow-gaps --sign KEY.p12` (signed copies; a throwaway RSA-2048
  self-signed key made once for the benchmark).

Ratios are of medians. Not a test: prints the figures.

    python benchmarks/bench_release.py [--runs 5] [--as-of 2026-11-25] [--examples DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import AS_OF, ROOT, Samples, _timed  # noqa: E402


def _key(path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "benchmark signer")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2040, 1, 1, tzinfo=dt.UTC)).sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"bench", key, cert, None, serialization.BestAvailableEncryption(b"bench")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", default=AS_OF.isoformat())
    parser.add_argument("--examples", type=Path, default=ROOT / "examples")
    args = parser.parse_args()
    examples = sorted(str(p) for p in args.examples.glob("*.yaml"))
    exe = [sys.executable, "-m", "compliance"]
    conditions = {"drafts (anchor)": [], "--release": ["--release", "--allow-gaps"],
                  "--release --sign": ["--release", "--allow-gaps", "--sign", "KEY"]}
    samples = {name: Samples() for name in conditions}
    os.environ["COMPLIANCE_SIGN_PASSWORD"] = "bench"  # noqa: S105 - the throwaway key made below
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "key.p12"
        _key(key)
        for run in range(args.runs):
            order = list(conditions)[run % 3:] + list(conditions)[:run % 3]
            for name in order:
                out = Path(tmp) / f"out-{run}-{name.replace(' ', '').replace('-', '')}"
                extra = [str(key) if a == "KEY" else a for a in conditions[name]]
                _timed([*exe, "build", *examples, "-o", str(out), "--as-of", args.as_of, *extra],
                       samples[name])
    print(f"compliance build of {len(examples)} examples, {args.runs} runs each (fresh output folder)")
    for name, s in samples.items():
        print(s.line(name))
    anchor = statistics.median(samples["drafts (anchor)"].cpu)
    for name in ("--release", "--release --sign"):
        print(f"  {name}: {statistics.median(samples[name].cpu) / anchor:.2f}x the drafts' CPU")


if __name__ == "__main__":
    main()
