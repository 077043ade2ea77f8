"""The scripts that rebuild the models bundled in quotes/models/ (see training/README.md).

Each script runs as a module from the repository root (`python -m training.train_syntax`) or
as a file (`python training/train_syntax.py`, see as_package.py); they import one another, and
quotes, as packages.
"""
