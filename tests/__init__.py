"""Tests of the Northwind Store assistant, mirroring the package layout."""
