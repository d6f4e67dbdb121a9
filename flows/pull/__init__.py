"""The pull stage: fetch the bureaus' tables from mailboxes, web pages and folders into the inbox."""
