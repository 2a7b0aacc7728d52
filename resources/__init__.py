"""Data files shipped with agent_desk: translations, plans, templates."""
