"""kuntadata: official statistics about Finnish municipalities as a validated data package
and a static, accessible, trilingual website.

The flow is one way: dataset specs -> fetch (raw responses kept) -> package -> site.
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/kuntadata/kuntadata"
USER_AGENT = f"kuntadata/{__version__} (+{PROJECT_URL})"
