"""Tests of dockseal update, check, bake and team templates."""
