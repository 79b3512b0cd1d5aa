"""Tests of the open311 plugin: GeoReport v2 conformance, in both formats, from the spec."""
