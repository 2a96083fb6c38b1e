"""Offline stand-in for ansible-test's get-pip download: ensurepip's pip, then the asked-for pip from the index."""
import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
os.environ.setdefault("PIP_CERT", "/etc/ssl/certs/ca-certificates.crt")
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
