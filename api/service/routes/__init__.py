"""API routers (thin: check access, call the store and the engine, shape the answer)."""
