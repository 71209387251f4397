"""Core web app: base templates, health check, the one error shape, and the JSON API instance."""
