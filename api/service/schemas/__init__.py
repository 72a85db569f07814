"""Pydantic schemas of the API (requests ``*Create`` and answers ``*Public``); French texts."""
