import subprocess

import pytest

from creneau.lib import tsa
from creneau.lib.localtsa import LocalTSA


def test_it_gets_a_verifiable_token_from_the_local_authority(tsa_on):
    attempted = tsa.request_tokens(b"manifest bytes")

    assert attempted.failures == ()
    [token] = attempted.tokens
    checked = tsa.verify_token(token.response, b"manifest bytes", tsa.load_roots())
    assert checked.tsa_name == "CN=Creneau Local Test TSA"
    assert checked.gen_time == token.gen_time


def test_it_keeps_a_token_from_each_authority_that_answers(tsa_on, tmp_path, settings):
    second = LocalTSA(tmp_path / "second").start()
    roots = tmp_path / "roots.pem"
    roots.write_bytes(tsa_on.ca_file.read_bytes() + second.ca_file.read_bytes())
    settings.TSA_CA_FILE = str(roots)
    try:
        attempted = tsa.request_tokens(b"x", [tsa_on.url, "http://127.0.0.1:9/tsa", second.url])
    finally:
        second.stop()

    assert [t.url for t in attempted.tokens] == [tsa_on.url, second.url]
    assert len(attempted.failures) == 1 and "127.0.0.1:9" in attempted.failures[0]


def test_it_refuses_a_token_over_other_data(tsa_on):
    [token] = tsa.request_tokens(b"original").tokens

    with pytest.raises(tsa.TokenError, match="imprint mismatch"):
        tsa.verify_token(token.response, b"altered", tsa.load_roots())


def test_it_refuses_a_token_signed_under_another_root(tsa_on, tmp_path):
    [token] = tsa.request_tokens(b"data").tokens
    other = LocalTSA(tmp_path / "other")
    other.start().stop()

    with pytest.raises(tsa.TokenError, match="chain"):
        tsa.verify_token(token.response, b"data", tsa.load_roots(other.ca_file))


def test_it_refuses_to_verify_without_a_trusted_root(tsa_on):
    [token] = tsa.request_tokens(b"data").tokens

    with pytest.raises(tsa.TokenError, match="no trusted TSA root"):
        tsa.verify_token(token.response, b"data", [])


def test_an_answer_signed_under_an_untrusted_root_is_not_kept(tsa_on, tmp_path, settings):
    other = LocalTSA(tmp_path / "other").start()
    try:
        attempted = tsa.request_tokens(b"x", [other.url])
    finally:
        other.stop()

    assert attempted.tokens == () and "chain" in attempted.failures[0]


def test_an_unreachable_authority_is_a_failure_not_an_exception(unreachable_tsa):
    attempted = tsa.request_tokens(b"data")

    assert attempted.tokens == () and "no answer" in attempted.failures[0]


def test_openssl_accepts_the_local_authoritys_tokens(tsa_on, tmp_path):
    [token] = tsa.request_tokens(b"data").tokens
    (tmp_path / "data").write_bytes(b"data")
    (tmp_path / "t.tsr").write_bytes(token.response)

    result = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-in",
            "t.tsr",
            "-data",
            "data",
            "-CAfile",
            str(tsa_on.ca_file),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "Verification: OK" in result.stdout
