"""How a briefing travels: delivery config, the MIME message, outbox, SMTP or robot webhooks, the send ledger, redaction."""
