"""CRM adapters, SMTP mail and the outbox that drives them."""
