"""Build the application context for a CLI verb, turning set-up failures into one line."""

from __future__ import annotations

import argparse

from boothapp.app import AppContext, build_context
from boothapp.cli.errors import CliError
from boothapp.core.models import Event
from boothapp.services.errors import ServiceError
from boothapp.store.db import DatabaseError


def open_context(args: argparse.Namespace) -> AppContext:
    try:
        return build_context(getattr(args, "data_dir", None), getattr(args, "db", None))
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc


def find_event(ctx: AppContext, ref: str) -> Event:
    try:
        return ctx.events.find_event(ref)
    except ServiceError as exc:
        raise CliError(str(exc)) from exc
