"""The event configuration: model, loading with validation, dumping and defaults."""

from boothapp.core.config.defaults import default_config
from boothapp.core.config.dump import dump_config
from boothapp.core.config.errors import ConfigError, ConfigProblem
from boothapp.core.config.loader import KNOWN_BEHAVIOURS, load_config
from boothapp.core.config.model import EventConfig

__all__ = [
    "KNOWN_BEHAVIOURS",
    "ConfigError",
    "ConfigProblem",
    "EventConfig",
    "default_config",
    "dump_config",
    "load_config",
]
