"""Briefings: recipients, what to say (content), how it looks (render), how it travels (message, deliver)."""
