"""Service edge of milo-nomade: the FastAPI app and the ``milo`` command line."""
