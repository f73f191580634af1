"""site_builder: builds the US-DPRK coverage microsite from content/ into _site/."""

__version__ = "0.1.0"
