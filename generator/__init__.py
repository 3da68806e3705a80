"""dockseal: hardened container setups that stay hardened."""

__version__ = "0.1.0"
