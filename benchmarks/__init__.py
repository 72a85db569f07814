"""Quality and speed benchmarks on public instances (not part of the test run)."""
