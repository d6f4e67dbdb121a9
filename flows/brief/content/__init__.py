"""What a briefing says: warehouse reads (queries), choosing and wording (weekly, tables, trends, digest).

Pure functions from mart rows to typed contexts; nothing here knows HTML, email or SMTP.
"""
