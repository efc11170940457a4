"""The event hub's PostgreSQL side (issue 19): schema, device registration, push and pull.

Only psycopg here; what a pulled change does to this device's leads is the services' business
(``boothapp.services.hub``).
"""
