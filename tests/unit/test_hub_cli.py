"""``boothapp hub`` without a hub: one-line errors, nothing stored (issue 19)."""

from __future__ import annotations

from pathlib import Path

from boothapp.settings import load_settings


def test_status_on_a_device_that_never_joined(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("hub", "status")
    assert run.code == 0
    assert "not joined to a hub" in run.out


def test_join_an_unreachable_hub_says_so_in_one_line_and_stores_nothing(
    cli, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    assert cli("event", "create", "--name", "Hub Expo", "--timezone", "UTC").code == 0
    run = cli(
        "hub", "join", "postgresql://boss:s3cret@127.0.0.1:9/hub", "--event", "Hub Expo",
        "--device-name", "laptop 1",
    )  # fmt: skip
    assert run.code != 0
    assert "unreachable" in run.err and len(run.err.strip().splitlines()) == 1
    assert "s3cret" not in run.err + run.out  # the password is never shown
    assert load_settings(data_dir / "settings.json").hub_url == ""


def test_leave_when_not_joined(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("hub", "leave")
    assert run.code != 0 and "not joined" in run.err
