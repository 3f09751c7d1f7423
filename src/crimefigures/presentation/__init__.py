"""Presentation: wording in every language, house style, figures, the site and the README."""
