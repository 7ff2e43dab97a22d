"""Relief Journal: a self-hosted journal for migraine and chronic pain."""

__version__ = "0.1.0"
