"""``build.py --present``: serve the built deck to the room; phones follow the talk and feed its demos."""
