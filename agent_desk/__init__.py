"""agent_desk: the follow-up and service-centre workstation."""

__version__ = "0.1.0"
