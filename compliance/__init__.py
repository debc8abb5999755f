"""compliance: turn the facts of an AI system into the obligations and documents regulators ask
for. Not legal advice."""

__version__ = "0.1.0"
