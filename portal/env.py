"""Strict parsing of settings from the environment.

A value that cannot be parsed stops the start-up with a message naming the variable,
instead of silently falling back to a default. Secrets can also be read from a file
named by ``<NAME>_FILE`` (Docker and Kubernetes secrets).
"""

import math
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def read_env_file(path: Path) -> None:
    """Load ``KEY=VALUE`` lines from a local ``.env`` (development only; ``make`` writes it).

    Variables already in the environment win, so a deployment is never overridden by a
    stray file.
    """
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        os.environ.setdefault(key.strip(), value.strip().strip("\"'"))


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        if name in os.environ:
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return os.environ.get(name)


def env_str(name: str, default: object = _UNSET) -> str:
    value = _raw(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    # float() also reads "nan" and "inf": no timeout or interval means either.
    if not math.isfinite(number):
        raise ImproperlyConfigured(f"{name}={value!r} is not a finite number.")
    return number


def env_url(name: str, default: str) -> str:
    """An http(s) address with a host, without its trailing slash."""
    value = env_str(name, default).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an http(s) address (such as https://api.example.org/v3)."
        )
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name}={value!r}: give the address without ? or #.")
    return value.rstrip("/")


def env_iri(name: str, default: str) -> str:
    """An absolute http(s) IRI, kept exactly as given: unlike an address for requests, an
    identifier's trailing slash is part of it (http://creativecommons.org/publicdomain/zero/1.0/)."""
    value = env_str(name, default).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an http(s) IRI (such as "
            "http://creativecommons.org/licenses/by/4.0/)."
        )
    return value


def _sso_entries(path: str) -> list[Any]:
    if not path:
        return []
    import yaml  # only deployments with the file need it at start-up

    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"SSO_PROVIDERS_FILE: cannot read {path}: {exc}") from exc
    if not isinstance(entries, list):
        raise ImproperlyConfigured("SSO_PROVIDERS_FILE: expected a list of providers")
    return entries


def sso_apps_from_file(path: str) -> list[dict[str, object]]:
    """The organisations' OpenID Connect providers from a YAML file, for deployments that
    keep them out of the admin (README: Sign-in). Each entry::

        - provider_id: kumla            # in the redirect URI: /accounts/oidc/kumla/login/callback/
          name: Kumla kommun
          organisation: kumla-kommun    # the organisation's slug in the portal
          email_domains: [kumla.se]
          server_url: https://login.microsoftonline.com/<tenant id>/v2.0
          client_id: 0b5c…
          secret_file: /run/secrets/kumla-oidc   # or secret: …

    becomes one of django-allauth's ``APPS`` (a SocialApp that lives in the settings)."""
    entries = _sso_entries(path)
    apps: list[dict[str, object]] = []
    required = ("provider_id", "name", "organisation", "server_url", "client_id")
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, dict) and entry.get("protocol") == "saml":
            continue  # saml_apps_from_file's
        missing = [key for key in required if not isinstance(entry, dict) or not entry.get(key)]
        if missing:
            raise ImproperlyConfigured(
                f"SSO_PROVIDERS_FILE: provider {number} lacks {', '.join(missing)}"
            )
        secret = str(entry.get("secret", ""))
        if entry.get("secret_file"):
            try:
                secret = Path(entry["secret_file"]).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ImproperlyConfigured(
                    f"SSO_PROVIDERS_FILE: provider {number}: cannot read its secret_file: {exc}"
                ) from exc
        domains = entry.get("email_domains") or []
        apps.append(
            {
                "provider_id": str(entry["provider_id"]),
                "name": str(entry["name"]),
                "client_id": str(entry["client_id"]),
                "secret": secret,
                "settings": {
                    "server_url": str(entry["server_url"]),
                    "organisation": str(entry["organisation"]),
                    "email_domains": [str(domain).lower() for domain in domains],
                },
            }
        )
    return apps


def saml_apps_from_file(path: str) -> list[dict[str, object]]:
    """The organisations' SAML providers from the same YAML file (README: Sign-in)::

        - protocol: saml
          provider_id: kumla-saml
          name: Kumla kommun
          client_id: kumla              # in the addresses: /accounts/saml/kumla/metadata/
          organisation: kumla-kommun    # none for a federation (Sambi, Sweden Connect)
          email_domains: [kumla.se]
          idp:
            entity_id: https://sts.windows.net/<tenant id>/
            metadata_url: https://login.microsoftonline.com/…/federationmetadata.xml
            # or sso_url: … and x509cert: … (PEM)

    The portal's own key pair and its security settings are added by portal.sign_in."""
    apps: list[dict[str, object]] = []
    for number, entry in enumerate(_sso_entries(path), start=1):
        if not isinstance(entry, dict) or entry.get("protocol") != "saml":
            continue
        missing = [key for key in ("provider_id", "name", "client_id", "idp") if not entry.get(key)]
        idp = entry.get("idp")
        if isinstance(idp, dict) and not idp.get("entity_id"):
            missing.append("idp.entity_id")
        if isinstance(idp, dict) and not (
            idp.get("metadata_url") or (idp.get("sso_url") and idp.get("x509cert"))
        ):
            missing.append("idp.metadata_url (or idp.sso_url and idp.x509cert)")
        if missing or not isinstance(idp, dict):
            raise ImproperlyConfigured(
                f"SSO_PROVIDERS_FILE: provider {number} lacks {', '.join(missing) or 'idp'}"
            )
        app_settings: dict[str, object] = {
            "idp": {str(key): str(value) for key, value in idp.items()},
            "email_domains": [str(domain).lower() for domain in entry.get("email_domains") or []],
        }
        if entry.get("organisation"):
            app_settings["organisation"] = str(entry["organisation"])
        apps.append(
            {
                "provider_id": str(entry["provider_id"]),
                "name": str(entry["name"]),
                "client_id": str(entry["client_id"]),
                "settings": app_settings,
            }
        )
    return apps
