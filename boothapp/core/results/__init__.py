"""Was the show worth it (issue 22): funnel, money, speed-to-lead, timing and stages of one
event's leads, computed from the booth's own data and the deals pulled back from the CRM.

Pure functions over typed values; the service (``services/results.py``) gathers the inputs.
"""
