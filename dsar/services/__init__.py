"""Services: take a session, change models, write audit events, flush; never commit."""
