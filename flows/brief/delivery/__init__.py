"""How a briefing travels: delivery config, the MIME message, outbox or SMTP, the send ledger, redaction."""
