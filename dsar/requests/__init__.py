"""Requests: the model, the state machine, the deadlines, the operations, who may see and decide,
and the queries staff pages read.
"""
