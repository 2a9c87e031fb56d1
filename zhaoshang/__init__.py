"""Zhaoshang 招商: an investment-promotion platform for local government."""
