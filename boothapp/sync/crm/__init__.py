"""One module per CRM; each owns its mapping and error handling."""
