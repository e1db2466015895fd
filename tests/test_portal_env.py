import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    read_env_file,
    saml_apps_from_file,
    sso_apps_from_file,
)


def test_booleans_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG", False)


def test_integers_and_lists(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "12")
    assert env_int("X_NUMBER", 1) == 12
    monkeypatch.setenv("X_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER='twelve' is not a whole number"):
        env_int("X_NUMBER", 1)
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


def test_required_and_file_secrets(monkeypatch, tmp_path):
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="variable X_SECRET is required"):
        env_str("X_SECRET")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "from-a-file"
    monkeypatch.setenv("X_SECRET", "both")
    with pytest.raises(ImproperlyConfigured, match="Set X_SECRET or X_SECRET_FILE, not both"):
        env_str("X_SECRET")


def test_env_file_never_overrides_the_environment(monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nX_FROM_FILE=1\nX_ALREADY=file\n")
    monkeypatch.setenv("X_ALREADY", "environment")
    monkeypatch.delenv("X_FROM_FILE", raising=False)
    read_env_file(env_file)
    assert os.environ["X_FROM_FILE"] == "1"
    assert os.environ["X_ALREADY"] == "environment"
    monkeypatch.delenv("X_FROM_FILE")
    env_file.write_text("not a setting\n")
    with pytest.raises(ImproperlyConfigured, match="expected KEY=VALUE"):
        read_env_file(env_file)


def run_with_settings(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter whose settings come from ``env`` alone."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_and_a_secret_key_is_required_outside_development():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = run_with_settings(code, {"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    result = run_with_settings(code, {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_numbers_and_addresses(monkeypatch):
    from portal.env import env_float, env_url

    monkeypatch.setenv("X_SECONDS", "2.5")
    assert env_float("X_SECONDS", 1.0) == 2.5
    monkeypatch.setenv("X_SECONDS", "soon")
    with pytest.raises(ImproperlyConfigured, match="X_SECONDS='soon' is not a number"):
        env_float("X_SECONDS", 1.0)
    for endless in ("inf", "nan", "-Infinity"):
        monkeypatch.setenv("X_SECONDS", endless)
        with pytest.raises(ImproperlyConfigured, match="is not a finite number"):
            env_float("X_SECONDS", 1.0)
    monkeypatch.delenv("X_API", raising=False)
    assert env_url("X_API", "https://api.example.org/v3/") == "https://api.example.org/v3"
    monkeypatch.setenv("X_API", "http://127.0.0.1:8765/v3")
    assert env_url("X_API", "https://x.example") == "http://127.0.0.1:8765/v3"
    for wrong in ("api.example.org/v3", "ftp://api.example.org", "https://"):
        monkeypatch.setenv("X_API", wrong)
        with pytest.raises(ImproperlyConfigured, match="is not an http\\(s\\) address"):
            env_url("X_API", "https://x.example")
    monkeypatch.setenv("X_API", "https://api.example.org/v3?key=1")
    with pytest.raises(ImproperlyConfigured, match="without \\? or #"):
        env_url("X_API", "https://x.example")


def test_an_iri_keeps_its_trailing_slash(monkeypatch):
    from portal.env import env_iri

    monkeypatch.delenv("X_LICENSE", raising=False)
    cc0 = "http://creativecommons.org/publicdomain/zero/1.0/"
    assert env_iri("X_LICENSE", cc0) == cc0
    monkeypatch.setenv("X_LICENSE", "CC-BY 4.0")
    with pytest.raises(ImproperlyConfigured, match=r"X_LICENSE='CC-BY 4\.0' is not an http"):
        env_iri("X_LICENSE", cc0)


PROVIDERS_FILE = """
- provider_id: kumla
  name: Kumla kommun
  organisation: kumla-kommun
  email_domains: [Kumla.se]
  server_url: https://login.microsoftonline.com/tenant/v2.0
  client_id: 0b5c
  secret: s3cret
- protocol: saml
  provider_id: sambi
  name: Sambi
  client_id: sambi
  email_domains: [Lekeberg.se]
  idp:
    entity_id: https://idp.sambi.example/
    metadata_url: https://md.sambi.example/idp.xml
"""


def test_the_providers_file_holds_openid_connect_and_saml_providers(tmp_path):
    path = tmp_path / "providers.yaml"
    path.write_text(PROVIDERS_FILE)

    assert [app["provider_id"] for app in sso_apps_from_file(str(path))] == ["kumla"]
    assert saml_apps_from_file(str(path)) == [
        {
            "provider_id": "sambi",
            "name": "Sambi",
            "client_id": "sambi",
            "settings": {  # no organisation: a federation places people by their own
                "idp": {
                    "entity_id": "https://idp.sambi.example/",
                    "metadata_url": "https://md.sambi.example/idp.xml",
                },
                "email_domains": ["lekeberg.se"],
            },
        }
    ]


def test_a_saml_provider_without_its_idps_addresses_is_refused(tmp_path):
    path = tmp_path / "providers.yaml"
    path.write_text(
        "- {protocol: saml, provider_id: x, name: X, client_id: x, idp: {entity_id: e}}\n"
    )

    with pytest.raises(ImproperlyConfigured, match=r"provider 1 lacks idp.metadata_url"):
        saml_apps_from_file(str(path))


def test_the_front_door_trusts_a_generation_at_most_a_second():
    code = "import django; django.setup()"
    result = run_with_settings(code, {"DJANGO_DEBUG": "1", "PUBLIC_PAGE_GENERATION_SECONDS": "60"})
    assert result.returncode != 0
    assert "PUBLIC_PAGE_GENERATION_SECONDS=60.0: use 0 to 1 seconds" in result.stderr


def test_a_bad_prepared_statements_switch_is_refused_on_sqlite_too(tmp_path):
    code = "import django; django.setup()"
    env = {
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "DATABASE_PREPARED_STATEMENTS": "maybe",
    }
    result = run_with_settings(code, env)
    assert result.returncode != 0
    assert "DATABASE_PREPARED_STATEMENTS='maybe' is not a boolean" in result.stderr
