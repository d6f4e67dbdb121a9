"""Briefings: content/ (what to say), render/ (how it looks), delivery/ (how it travels).

At this level: recipients, guards, the plan the flow follows, the run's shared connection and `bipin preview`.
"""
