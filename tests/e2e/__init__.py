"""End-to-end tests: generated services are built, run hardened, pushed and verified without a Docker daemon."""
