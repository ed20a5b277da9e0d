"""Staff accounts: the model, the operations on accounts, sign-in and its throttle."""
