"""The statutory deadline: the legal calendar, the rules, the clock policies and the stored
deadline.
"""
