"""The dependency audit never reports a clean result it could not check (issue 24, item 16).

pip-audit cannot reach a vulnerability database from CI's machines (registries only), and a
skipped package looks like a pass in its own exit code: ``scripts/audit`` must fail closed.
The real audit runs before each release, on a machine with the network (docs/SECURITY.md).
"""

import os
import subprocess


def test_an_unreachable_vulnerability_database_is_not_a_clean_audit():
    env = os.environ | {"HTTPS_PROXY": "http://127.0.0.1:1", "HTTP_PROXY": "http://127.0.0.1:1"}

    done = subprocess.run(
        ["scripts/audit"], capture_output=True, text=True, env=env, timeout=300, check=False
    )

    assert done.returncode == 3, done.stdout + done.stderr
    assert "rien n'est vérifié" in done.stdout
    assert "aucune vulnérabilité" not in done.stdout
