"""Synthetic demo data (`bipin demo-data`): story.py says what the numbers tell, generate.py makes them,
tables.py lays them out as bureaus print them, writers.py writes the files, inbox.py writes the whole inbox."""
