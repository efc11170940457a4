"""BoothApp: trade-show lead capture."""

__version__ = "0.1.0"
APP_ID = "com.boothapp.BoothApp"
APP_NAME = "BoothApp"
