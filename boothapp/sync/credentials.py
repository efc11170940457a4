"""CRM and mail secrets: the store lives in :mod:`boothapp.secrets` so the database key
(``boothapp.store.keys``) can use it too without the store importing sync."""

from boothapp.secrets import SERVICE, SecretStore

__all__ = ["SERVICE", "SecretStore"]
