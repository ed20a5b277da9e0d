"""The HTTP layer: blueprints for the public pages, the staff pages and downloads; views parse,
authorise, call an operation and render.
"""
