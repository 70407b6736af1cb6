"""Who may sign in to the dashboard: local accounts (accounts/users.py) and throttled sign-in
(accounts/sign_in.py). `python -m accounts` manages the accounts (accounts/__main__.py)."""
