"""lang-portal: vocabulary inventory, learning record store and launchpad for a language school."""

__version__ = "1.0.0"
API_VERSION = "1.0"
