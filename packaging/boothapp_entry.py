"""Entry script for the frozen app (PyInstaller needs a file, not a module path)."""

from boothapp.__main__ import main

if __name__ == "__main__":
    main()
