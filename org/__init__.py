"""The organisation model: people, departments, groups, roles, the directory, calendars, their
loaders and business-time arithmetic. It imports only the chat contract."""
