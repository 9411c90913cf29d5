"""System checks: misconfigured controllers reported by ``manage.py check``."""
