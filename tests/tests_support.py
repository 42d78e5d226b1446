"""Small deck texts shared by tests (kept out of conftest so tests can import them)."""

GOOD = '''\
[deck]
id = "mini"
name = "Mini"
version = "1.0.0"

[[sources]]
id = "a"
title = "A"

[[cards]]
id = "c1"
situation = "A scene."
response = "Say it."
reasoning = "Why."
sources = ["a"]
tags = ["t"]
'''
