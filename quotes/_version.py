"""quotes' version, in a module of its own: the package and the analyser fingerprint read it
without importing the package (setup.cfg reads it too)."""
__version__ = "0.1.0"
